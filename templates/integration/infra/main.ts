/** `cdk synth` / `cdk deploy` run this file (see cdk.json). */
import { buildApp } from './app.ts';

buildApp().synth();
