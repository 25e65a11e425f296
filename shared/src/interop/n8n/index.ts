export { fromN8n, type FromN8nResult } from './from-n8n.ts';
export { isN8nWorkflow } from './n8n-file.ts';
export { pinsFromN8n, pinsToN8n } from './pins.ts';
