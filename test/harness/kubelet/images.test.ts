import { describe, expect, it } from 'vitest';
import { parseImage, resolveImage } from './images.ts';

describe('images', () => {
  it('parses repository and tag', () => {
    expect(parseImage('searchkube/engine:0.3.0')).toEqual({ repository: 'searchkube/engine', tag: '0.3.0' });
    expect(parseImage('docker.io/searchkube/engine:1')).toEqual({ repository: 'searchkube/engine', tag: '1' });
    expect(parseImage('localhost:5000/x')).toEqual({ repository: 'localhost:5000/x', tag: 'latest' });
  });

  it('maps the harness echo image to a program and refuses unknown images', () => {
    const echo = resolveImage('searchkube/test-echo:2');
    expect(echo.ok && echo.ref.tag).toBe('2');
    const stub = resolveImage('searchkube/engine-stub:0.1.0');
    expect(stub.ok && stub.mapping.listen?.flag).toBe('--http-addr');
    const alias = resolveImage('stub.invalid/searchkube/engine:0.1.0');
    expect(alias.ok && alias.mapping.program).toBe(stub.ok && stub.mapping.program);
    const unknown = resolveImage('nginx:1.27');
    expect(unknown.ok).toBe(false);
    expect(!unknown.ok && unknown.reason).toMatch(/no local program/);
  });
});
