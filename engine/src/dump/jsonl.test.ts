import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DumpError } from './errors.ts';
import { JsonlWriter, countJsonLines, readJsonArray, readJsonLines } from './jsonl.ts';

let dir: string;
beforeEach(async () => { dir = await mkdtemp(join(tmpdir(), 'jsonl-test-')); });
afterEach(async () => { await rm(dir, { recursive: true, force: true }); });

async function collect<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const v of it) out.push(v);
  return out;
}

describe('JSON lines', () => {
  it('writes one value per line and reads them back across chunk boundaries', async () => {
    const path = join(dir, 'a.jsonl');
    const writer = new JsonlWriter(path);
    const values = Array.from({ length: 5000 }, (_, i) => ({ i, s: 'é'.repeat(i % 97), nl: 'a\nb' }));
    for (const v of values) await writer.write(v);
    await writer.close();
    expect((await readFile(path, 'utf8')).split('\n')).toHaveLength(5001);
    expect((await collect(readJsonLines(path, 'a.jsonl'))).map((l) => l.value)).toEqual(values);
    expect(await countJsonLines(path, 'a.jsonl')).toBe(5000);
  });

  it('skips blank lines, handles CRLF and a last line without newline', async () => {
    const path = join(dir, 'b.jsonl');
    await writeFile(path, '{"a":1}\r\n\n  \n{"a":2}');
    expect(await collect(readJsonLines(path, 'b.jsonl'))).toEqual([{ value: { a: 1 }, line: 1 }, { value: { a: 2 }, line: 4 }]);
    expect(await countJsonLines(path, 'b.jsonl')).toBe(2);
  });

  it('names the file and line of a malformed line', async () => {
    const path = join(dir, 'c.jsonl');
    await writeFile(path, '{"a":1}\n{"a":\n');
    const error = await collect(readJsonLines(path, 'indexes/x/documents.jsonl')).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DumpError);
    expect((error as DumpError).message).toMatch(/^indexes\/x\/documents\.jsonl line 2: malformed JSON/);
    expect((error as DumpError).line).toBe(2);
  });

  it('reads lines spanning many chunks whole, with the lines around them (long lines are linear)', async () => {
    const path = join(dir, 'long.jsonl');
    const long = 'é'.repeat(3_000_000); // about 6 MB: some 24 read chunks
    await writeFile(path, `{"a":1}\n{"long":"${long}"}\n{"a":2}\n{"tail":"${'x'.repeat(700_000)}"}`);
    const lines = await collect(readJsonLines(path, 'long.jsonl'));
    expect(lines.map((l) => l.line)).toEqual([1, 2, 3, 4]);
    expect((lines[1]!.value as { long: string }).long).toBe(long);
    expect((lines[3]!.value as { tail: string }).tail).toHaveLength(700_000);
    // 40 MB in one line: about 0.1 s now, 2-3 s when each chunk copied the whole line again.
    await writeFile(path, `{"big":"${'x'.repeat(40_000_000)}`);
    await expect(collect(readJsonLines(path, 'indexes/x/documents.jsonl'))).rejects.toThrow(/^indexes\/x\/documents\.jsonl line 1: malformed JSON/);
  });

  it('reports a missing file as missing from the archive', async () => {
    await expect(collect(readJsonLines(join(dir, 'nope'), 'keys.jsonl'))).rejects.toThrow('keys.jsonl: missing from the archive');
  });
});

describe('JSON arrays (V2 payloads)', () => {
  it('streams the elements of a pretty-printed array', async () => {
    const path = join(dir, 'arr.json');
    const values = [{ a: 1, s: 'x,]}' }, { b: [1, [2, { c: '"' }]] }, 3, 'str', null];
    await writeFile(path, JSON.stringify(values, null, 2));
    expect(await collect(readJsonArray(path, 'arr.json'))).toEqual(values);
    await writeFile(path, ' [ ] ');
    expect(await collect(readJsonArray(path, 'arr.json'))).toEqual([]);
  });

  it('rejects truncated, trailing-comma and non-array content', async () => {
    const path = join(dir, 'bad.json');
    for (const [text, message] of [['[{"a":1},', /truncated/], ['[1,]', /empty element/], ['{"a":1}', /expected a JSON array/], ['[1] 2', /after the JSON array/], ['[1, {"a":}]', /malformed JSON in element 1/]] as const) {
      await writeFile(path, text);
      await expect(collect(readJsonArray(path, 'bad.json')), text).rejects.toThrow(message);
    }
  });
});
