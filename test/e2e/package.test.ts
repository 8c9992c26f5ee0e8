// The package as npm would publish it: `npm publish --dry-run` is clean, the tarball holds what
// the CLI needs and nothing else, and installed into an empty directory (offline: the package has
// no runtime dependencies, everything is bundled) its bin runs `--version` and `init --print-config`.
// The tarball is packed from a copy of the checkout's files with the test run's own build as dist/,
// so the test never rebuilds the checkout's dist/ (item 14 of issue 13).
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN, REPO } from '../support/cli.js';

const pkg = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8'));
const work = mkdtempSync(join(tmpdir(), 'css-pack-'));
const stage = join(work, 'package');
const npm = (args: string[], cwd: string) => spawnSync('npm', args, { cwd, encoding: 'utf8', env: { ...process.env, npm_config_update_notifier: 'false' } });

beforeAll(() => {
  // The files git knows (tracked or new, not ignored), as a clean clone would have them.
  const files = execFileSync('git', ['ls-files', '--cached', '--others', '--exclude-standard', '-z'], { cwd: REPO, encoding: 'utf8' }).split('\0').filter(Boolean);
  for (const f of files) {
    if (!existsSync(join(REPO, f))) continue; // deleted in the work tree, not yet committed
    mkdirSync(dirname(join(stage, f)), { recursive: true });
    cpSync(join(REPO, f), join(stage, f));
  }
  cpSync(join(dirname(dirname(BIN)), 'dist'), join(stage, 'dist'), { recursive: true });
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('the published package', () => {
  it('the tests run their own build of the CLI, not the checkout\'s dist/', () => {
    expect(process.env.CSS_CLI_BIN, 'test/support/build-cli.mjs sets it').toBeDefined();
    expect(realpathSync(BIN).startsWith(realpathSync(REPO) + '/')).toBe(false);
  });

  it('a rebuild swaps dist/ in at once: a CLI started meanwhile runs the old or the new build', async () => {
    const out = join(work, 'rebuild');
    const build = (): Promise<number | null> => new Promise((res) => spawn(process.execPath, [join(REPO, 'scripts', 'build.mjs'), '--out', out], { stdio: 'ignore' }).on('close', res));
    expect(await build()).toBe(0);
    const running = build();
    let finished = false;
    void running.then(() => (finished = true));
    const codes: (number | null)[] = [];
    do {
      const r = await new Promise<{ status: number | null; stderr: string }>((res) => {
        // A command's help loads the CLI's files (--version alone prints dist/rendered.cjs only).
        const c = spawn(process.execPath, [join(out, 'bin', 'cognito-scope-setup.cjs'), 'init', '--help'], { stdio: ['ignore', 'ignore', 'pipe'] });
        let stderr = '';
        c.stderr.on('data', (d) => (stderr += d));
        c.on('close', (status) => res({ status, stderr }));
      });
      codes.push(r.status);
      if (r.status !== 0) throw new Error(`init --help during a rebuild: exit ${r.status}\n${r.stderr}`);
    } while (!finished);
    expect(await running).toBe(0);
    expect(codes.length).toBeGreaterThan(0);
  });

  it('has the fields a registry page and an install need', () => {
    expect(pkg.bin).toEqual({ 'cognito-scope-setup': 'bin/cognito-scope-setup.cjs' });
    expect(pkg.engines.node).toMatch(/^>=20\./);
    expect(pkg.license).toBe('MIT');
    expect(readFileSync(join(REPO, 'LICENSE'), 'utf8')).toMatch(/^MIT License/);
    expect(pkg.repository.url).toMatch(/^git\+https:\/\//);
    expect(pkg.private).toBeUndefined();
    // Everything is bundled into dist/: an install fetches nothing else.
    expect(pkg.dependencies ?? {}).toEqual({});
  });

  it('npm publish --dry-run is clean (the only warning is that nobody is logged in)', () => {
    const r = npm(['publish', '--dry-run', '--offline', '--ignore-scripts'], stage);
    expect(r.status, r.stderr).toBe(0);
    const warnings = r.stderr.split('\n').filter((l) => /\bwarn\b/i.test(l) && !/requires you to be logged in/.test(l));
    expect(warnings).toEqual([]);
    expect(r.stdout).toContain(`+ ${pkg.name}@${pkg.version}`);
  });

  it('packs, installs offline into an empty directory and runs --version and init --print-config', () => {
    const packed = npm(['pack', '--ignore-scripts', '--offline', '--json', '--pack-destination', work], stage);
    expect(packed.status, packed.stderr).toBe(0);
    const [info] = JSON.parse(packed.stdout) as [{ filename: string; files: { path: string; mode: number }[] }];
    const paths = info.files.map((f) => f.path);
    expect(paths).toEqual(expect.arrayContaining(['LICENSE', 'README.md', 'package.json', 'bin/cognito-scope-setup.cjs', 'dist/cli.cjs', 'dist/compile-cache.cjs', 'dist/rendered.cjs', 'dist/THIRD-PARTY-LICENSES.txt']));
    expect(paths.filter((p) => !/^(LICENSE|README\.md|package\.json|bin\/[^/]+\.cjs|dist\/(cli\.cjs|compile-cache\.cjs|rendered\.cjs|THIRD-PARTY-LICENSES\.txt|chunks\/[^/]+\.cjs))$/.test(p))).toEqual([]);

    const home = join(work, 'home');
    const app = join(work, 'empty');
    mkdirSync(home);
    mkdirSync(app);
    const installed = npm(['install', '--offline', '--no-audit', '--no-fund', join(work, info.filename)], app);
    expect(installed.status, installed.stderr).toBe(0);

    // The bin link npm made, run as a shell would run it (its shebang finds node on PATH).
    const bin = join(app, 'node_modules', '.bin', 'cognito-scope-setup');
    const env = { PATH: process.env.PATH, HOME: home, NO_COLOR: '1' };
    const version = spawnSync(bin, ['--version'], { cwd: app, env, encoding: 'utf8' });
    expect(version.status, version.stderr).toBe(0);
    expect(version.stdout.trim()).toBe(pkg.version);

    const config = spawnSync(bin, ['init', '--print-config', '--no-input', '--no-user', '--region', 'eu-west-1', '--stack', 'from-npm'], { cwd: app, env, encoding: 'utf8' });
    expect(config.status, config.stderr).toBe(0);
    const printed = JSON.parse(config.stdout);
    expect(printed).toMatchObject({ stack: 'from-npm', region: 'eu-west-1', userMode: 'none' });
    expect(existsSync(join(app, '.cognito-scope-setup')), '--print-config writes no state').toBe(false);
  });
});
