import { text } from '../conditions.ts';
import type { Mapper, Params } from '../param-reader.ts';

/**
 * Execution Data 1 and 1.1: the rows come over as they are; the version
 * decides how a falsy value is saved (n8nVersion). "Save" is n8n's only
 * operation.
 */
const executionData: Mapper = (r) => {
  const operation = r.get('operation') ?? 'save';
  if (operation !== 'save') r.problem(`its operation "${text(operation)}" is not carried: Weft saves the rows`);
  r.get('notice');
  const out: Params = {
    dataToSave: r.rows('dataToSave.values').map((row) => ({
      key: row.key === undefined ? '' : text(row.key),
      value: row.value === undefined ? '' : text(row.value),
    })),
    n8nVersion: r.version >= 1.1 ? '1.1' : '1',
  };
  return out;
};

export const executionDataMappers: Record<string, Mapper> = { executionData };
