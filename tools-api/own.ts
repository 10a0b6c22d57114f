/** `record[key]` only when the record itself holds the key: an id such as "constructor" or
 * "__proto__" names nothing, instead of reaching into Object.prototype. */
export function own<T>(record: Readonly<Record<string, T>>, key: string): T | undefined {
  return Object.hasOwn(record, key) ? record[key] : undefined;
}
