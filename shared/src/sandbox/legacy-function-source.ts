/**
 * Part of the sandbox driver (DRIVER_SOURCE pastes it inside its closure):
 * how n8n's legacy Function and Function Item nodes (n8n-nodes-base.function
 * and .functionItem, version 1), which Weft imports as Code nodes that run as
 * them, hand their code its variables and take back what it returns. Their
 * checks and messages are n8n's own, not its Code node's: Function passes the
 * value through n8n's normalizeItems (a plain object becomes one item, a list
 * of plain objects items, a list mixing both 'Inconsistent item format'),
 * then wants a `json` object on each; Function Item takes any object as the
 * item's data as it is (a `json` key included). The TypeErrors n8n's own code
 * runs into on odd values (null, nothing, a number) are thrown here with the
 * messages Node gives them, since that text is the item's error when the node
 * goes on after failures.
 */
export const LEGACY_FUNCTION_SOURCE = String.raw`
  const legacyCopy = (value) => (value === undefined ? undefined : parse(stringify(value)));
  // n8n's "in" test on a returned entry: a null entry is a TypeError in n8n too.
  const legacyHas = (entry, key) => {
    if (typeof entry !== 'object') return false;
    if (entry === null) throw new TypeError("Cannot use 'in' operator to search for '" + key + "' in null");
    return key in entry;
  };
  // cleanupData: the data as JSON will have it; null data is Object.keys(null)'s TypeError.
  const legacyData = (value) => {
    if (value === null || value === undefined) throw new TypeError('Cannot convert undefined or null to object');
    return parse(stringify(value));
  };
  // Function: each input item is a copy that knows its place (item.index) and its pairing, as n8n hands it.
  const legacyItems = (items) =>
    items.map((item, index) => ({ json: legacyCopy(item.json), pairedItem: { item: index }, index }));
  const legacyNormalize = (value) => {
    if (value === null) throw new TypeError("Cannot read properties of null (reading 'json')");
    let list = value;
    if (typeof list === 'object' && !Array.isArray(list)) list = list.json ? [list] : [{ json: list }];
    if (list === undefined) throw new TypeError("Cannot read properties of undefined (reading 'every')");
    if (!Array.isArray(list)) throw new TypeError('executionData.every is not a function');
    if (list.every((entry) => legacyHas(entry, 'json'))) return list;
    if (list.some((entry) => legacyHas(entry, 'json'))) throw new Error('Inconsistent item format');
    if (list.every((entry) => legacyHas(entry, 'binary'))) {
      return list.map((entry) => {
        const json = {};
        for (const key of Object.keys(entry)) if (key !== 'binary') json[key] = entry[key];
        return { json, binary: entry.binary };
      });
    }
    if (list.some((entry) => legacyHas(entry, 'binary'))) throw new Error('Inconsistent item format');
    return list.map((entry) => ({ json: entry }));
  };
  const functionOutput = (value) =>
    legacyNormalize(value).map((item) => {
      if (item.json === undefined) throw new Error('All returned items have to contain a property named "json"!');
      // n8n lets a list through as an item's data; Weft's items hold objects, so it is refused as n8n words it.
      if (typeof item.json !== 'object' || Array.isArray(item.json)) {
        throw new Error('The json-property has to be an object!');
      }
      const json = legacyData(item.json);
      if (item.binary !== undefined && (Array.isArray(item.binary) || typeof item.binary !== 'object')) {
        throw new Error('The binary-property has to be an object!');
      }
      return item.pairedItem !== undefined ? { json, pairedItem: item.pairedItem } : { json };
    });
  const functionItemOutput = (value) => {
    if (value === undefined) throw new Error('No data got returned. Always an object has to be returned!');
    if (value === null) throw new TypeError('Cannot convert undefined or null to object');
    // n8n makes a number, text or list the item's data itself; Weft's items hold objects (a documented difference).
    const json = typeof value === 'object' && !Array.isArray(value) ? legacyData(value) : undefined;
    if (typeof json !== 'object' || json === null || Array.isArray(json)) throw new Error("Code doesn't return an object");
    return json;
  };
`;
