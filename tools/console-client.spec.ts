import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

const root = join(__dirname, '..');

describe('the console’s typed API client', () => {
  it('is generated from the committed openapi.json (npm run openapi regenerates it)', () => {
    const result = spawnSync(process.execPath, [join(root, 'tools', 'console.mjs'), 'client', '--check'], { cwd: root, encoding: 'utf8' });
    expect(`${result.stdout}${result.stderr}`).toContain('is up to date');
    expect(result.status).toBe(0);
  });
});
