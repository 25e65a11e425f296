export * from './types.ts';
export * from './variables.ts';
export { escapeXml, templatePicture } from './picture.ts';
