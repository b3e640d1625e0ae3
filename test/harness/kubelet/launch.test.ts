import { describe, expect, it } from 'vitest';
import { rewriteListen } from './launch.ts';

const listen = { flag: '--http-addr', env: 'MEILI_HTTP_ADDR', defaultPort: 7700 };

describe('rewriteListen', () => {
  it('moves a flag value to the pod IP, keeping the port', () => {
    expect(rewriteListen(['--http-addr', '0.0.0.0:7701', '--x'], {}, listen, '127.5.0.3').args).toEqual(['--http-addr', '127.5.0.3:7701', '--x']);
    expect(rewriteListen(['--http-addr=localhost:9'], {}, listen, '127.5.0.3').args).toEqual(['--http-addr=127.5.0.3:9']);
  });

  it('rewrites the env var, and sets it when nothing says where to listen', () => {
    expect(rewriteListen([], { MEILI_HTTP_ADDR: '0.0.0.0:1234' }, listen, '127.5.0.3').env).toEqual({ MEILI_HTTP_ADDR: '127.5.0.3:1234' });
    expect(rewriteListen([], {}, listen, '127.5.0.3').env).toEqual({ MEILI_HTTP_ADDR: '127.5.0.3:7700' });
    expect(rewriteListen(['--http-addr', '0.0.0.0:1'], {}, listen, '127.5.0.3').env).toEqual({});
  });
});
