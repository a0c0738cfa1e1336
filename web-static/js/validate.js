// A client-side subset of JSON Schema, for instant inline errors while editing. The server validates
// every correction fully (422 naming the path), so anything not covered here is still caught.
export function validate(schema, value, pointer = '', errors = []) {
  if (schema === true || schema === undefined) return errors;
  if (schema === false) { errors.push({ pointer, message: 'no value is allowed here' }); return errors; }
  const types = schema.type === undefined ? null : [].concat(schema.type);
  if (types && !types.some((t) => is(t, value))) {
    errors.push({ pointer, message: `expected ${types.join(' or ')}, found ${typeName(value)}` });
    return errors;
  }
  if (schema.enum && !schema.enum.some((o) => JSON.stringify(o) === JSON.stringify(value))) errors.push({ pointer, message: 'is not one of the allowed values' });
  if ('const' in schema && JSON.stringify(schema.const) !== JSON.stringify(value)) errors.push({ pointer, message: `must be ${JSON.stringify(schema.const)}` });
  if (typeof value === 'number') {
    if (schema.minimum !== undefined && value < schema.minimum) errors.push({ pointer, message: `must be ≥ ${schema.minimum}` });
    if (schema.maximum !== undefined && value > schema.maximum) errors.push({ pointer, message: `must be ≤ ${schema.maximum}` });
    if (schema.exclusiveMinimum !== undefined && value <= schema.exclusiveMinimum) errors.push({ pointer, message: `must be > ${schema.exclusiveMinimum}` });
    if (schema.exclusiveMaximum !== undefined && value >= schema.exclusiveMaximum) errors.push({ pointer, message: `must be < ${schema.exclusiveMaximum}` });
  }
  if (typeof value === 'string') {
    const length = [...value].length;
    if (schema.minLength !== undefined && length < schema.minLength) errors.push({ pointer, message: `must be at least ${schema.minLength} characters` });
    if (schema.maxLength !== undefined && length > schema.maxLength) errors.push({ pointer, message: `must be at most ${schema.maxLength} characters` });
    if (schema.pattern && !safeRegex(schema.pattern)?.test(value)) errors.push({ pointer, message: `does not match ${schema.pattern}` });
    if (schema.format && formats[schema.format] && !formats[schema.format](value)) errors.push({ pointer, message: `is not a valid ${schema.format}` });
  }
  if (Array.isArray(value)) {
    if (schema.minItems !== undefined && value.length < schema.minItems) errors.push({ pointer, message: `needs at least ${schema.minItems} items` });
    if (schema.maxItems !== undefined && value.length > schema.maxItems) errors.push({ pointer, message: `allows at most ${schema.maxItems} items` });
    value.forEach((item, i) => validate(schema.prefixItems?.[i] ?? schema.items, item, `${pointer}/${i}`, errors));
  }
  if (value && typeof value === 'object' && !Array.isArray(value)) {
    for (const key of schema.required ?? []) if (!(key in value)) errors.push({ pointer: `${pointer}/${key}`, message: 'is required' });
    for (const [key, v] of Object.entries(value)) {
      const sub = schema.properties?.[key];
      if (sub !== undefined) validate(sub, v, `${pointer}/${key}`, errors);
      else if (schema.additionalProperties === false) errors.push({ pointer: `${pointer}/${key}`, message: 'is not allowed' });
      else if (typeof schema.additionalProperties === 'object') validate(schema.additionalProperties, v, `${pointer}/${key}`, errors);
    }
  }
  return errors;
}

function is(type, v) {
  switch (type) {
    case 'null': return v === null;
    case 'boolean': return typeof v === 'boolean';
    case 'number': return typeof v === 'number';
    case 'integer': return Number.isInteger(v);
    case 'string': return typeof v === 'string';
    case 'array': return Array.isArray(v);
    case 'object': return v !== null && typeof v === 'object' && !Array.isArray(v);
    default: return true;
  }
}

const typeName = (v) => (v === null ? 'null' : Array.isArray(v) ? 'array' : Number.isInteger(v) ? 'integer' : typeof v);
const safeRegex = (p) => { try { return new RegExp(p, 'u'); } catch { return null; } };

const formats = {
  date: (s) => /^\d{4}-\d{2}-\d{2}$/.test(s) && !Number.isNaN(Date.parse(`${s}T00:00:00Z`)) && new Date(`${s}T00:00:00Z`).toISOString().startsWith(s),
  'date-time': (s) => /^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/.test(s),
  email: (s) => /^[^\s@]+@[^\s@]+$/.test(s),
  uuid: (s) => /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(s),
  uri: (s) => /^[a-zA-Z][a-zA-Z0-9+.-]*:[^\s]*$/.test(s),
  ipv4: (s) => /^((25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.){3}(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)$/.test(s),
};
