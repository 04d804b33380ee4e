/** A tiny entry file so infra's synth tests bundle in milliseconds. */
export async function handler(): Promise<{ statusCode: number }> {
  return { statusCode: 200 };
}
