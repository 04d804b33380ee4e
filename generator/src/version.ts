/** The generator's version: named in every generated header, so a reviewer sees when it changed. */
import generatorPackage from '../package.json' with { type: 'json' };

export const GENERATOR_NAME = '@kongo/generator';
export const GENERATOR_VERSION: string = generatorPackage.version;
