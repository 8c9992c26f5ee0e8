// @ts-check
// The targets of issue 14 and the table `npm run bench` prints.

/** @param {{ min: number, median: number, max: number }} s */
const mmm = (s, unit = '') => `${s.median}${unit} (${s.min}-${s.max})`;

/** Each target with its figure (the median over the fresh stacks) and whether it is met. @param {any} r */
export function targetsOf(r) {
  const p = r.phases;
  const su = r.startup.cases;
  const node = r.startup.nodeMs;
  const t = (name, value, limit, unit = 'x', below = false) => ({ name, value, target: `${below ? '<' : '<='} ${limit}${unit}`, ok: below ? value < limit : value <= limit });
  const list = [
    t('init / floor', p.init.ratio.median, 1.15),
    t('no-op init / floor', p.initAgain.ratio.median, 1.6),
    t('status / floor', p.status.ratio.median, 1.6),
    t('destroy / floor', p.destroy.ratio.median, 1.3),
    t('start-up of status (spawn to first request) / node -e 0', Math.round((p.status.startupMs.median / node) * 100) / 100, 2),
    t('start-up of init / node -e 0', Math.round((p.init.startupMs.median / node) * 100) / 100, 2),
    t('usage error / node -e 0', Math.round((su.usageError.wall.median / node) * 100) / 100, 1.5),
    t('--help / node -e 0', Math.round((su.help.wall.median / node) * 100) / 100, 1.3),
    t('peak RSS, largest phase (MB)', Math.max(...Object.values(p).map((x) => x.peakRssMb.max)), 80, ' MB', true),
  ];
  if (r.peer) {
    list.push(t('init / AWS CLI script', p.init.peerRatio.median, 0.15), t('status / AWS CLI script', p.status.peerRatio.median, 0.08), t('destroy / AWS CLI script', p.destroy.peerRatio.median, 0.2));
  }
  list.push({ name: 'operations table and SDK reference match the proxy', value: r.mismatches.length ? `${r.mismatches.length} mismatches` : 'yes', target: 'yes', ok: r.mismatches.length === 0 });
  return list;
}

/** @param {any} r */
export function render(r) {
  const p = r.phases;
  const w = [10, 18, 15, 13, 20, 17, 6, 9, 17];
  const row = (cells) => cells.map((c, i) => String(c)[i === 0 ? 'padEnd' : 'padStart'](w[i])).join(' ');
  const head = row(['phase', 'wall ms', 'start-up ms', 'floor ms', 'ratio to floor', 'floor RT', 'depth', 'writes', 'vs AWS CLI']);
  const line = (name, x) =>
    row([name, mmm(x.wallMs), mmm(x.startupMs), x.floorMs.median, mmm(x.ratio, 'x'), `${x.floorRoundTrips} RT${x.chain.includes('W') ? ' + W' : ''}`, x.depth.median, x.writes.median, x.peerRatio ? `${x.peerRatio.median}x` : '-']);
  const su = r.startup.cases;
  const s = (k) => `${su[k].wall.median} ms (${(su[k].wall.median / r.startup.nodeMs).toFixed(2)}x; CPU ${su[k].cpu.median} ms)`;
  const out = [
    `cognito-scope-setup (${r.commit ?? 'no git'}${r.dirty ? ', uncommitted changes' : ''}): ${r.command}`,
    `L = ${r.latencyMs} ms added to every request by the proxy; ministack ${r.emulator.version}; Node ${r.machine.node}; ${r.machine.cpus} CPUs`,
    `load average (1, 5, 15 min): ${r.machine.loadBefore.join(', ')} before, ${r.machine.loadAfter.join(', ')} after`,
    `W = ${mmm(r.lambdaActivationMs, ' ms')}: how long init's new function stayed Pending on the emulator (watched directly)`,
    `figures: median (min-max) over ${r.repeat} fresh stack${r.repeat > 1 ? 's' : ''}; bench-results/latest.json has every run and request`,
    '',
    head,
    '-'.repeat(head.length),
    line('init', p.init),
    line('init again', p.initAgain),
    line('status', p.status),
    line('destroy', p.destroy),
    '',
    `floor = longest chain through the operations' data (scripts/bench/operations.mjs) x L (+ W) + node -e 0 (${r.startup.nodeMs} ms);`,
    'ratio = wall (spawn to exit) / floor; depth = requests that ran strictly one after another.',
    `init's chain: ${p.init.chain.join(' -> ')}; destroy's: ${p.destroy.chain.join(' -> ')}`,
  ];
  if (r.peer) {
    out.push(`AWS CLI script (${r.peer.tool}, ${r.peer.script}), wall ms: init ${mmm(p.init.peerWallMs)}, status ${mmm(p.status.peerWallMs)}, destroy ${mmm(p.destroy.peerWallMs)}`);
  }
  const ref = r.reference;
  out.push(
    '',
    'the AWS SDK alone (scripts/bench/sdk-reference.mjs: the same SDK clients, bundled and cached like the CLI, no CLI around them):',
    `  status's ${ref.reads.requests.median} reads in one wave: ${mmm(ref.reads.wallMs, ' ms')} = ${ref.reads.ratio.median}x status's floor (ours: ${p.status.ratio.median}x); first request at ${ref.reads.startupMs.median} ms`,
    `  GetCallerIdentity alone: first request at ${mmm(ref.sts.startupMs, ' ms')} = ${(ref.sts.startupMs.median / r.startup.nodeMs).toFixed(2)}x node -e 0 (ours, status: ${(p.status.startupMs.median / r.startup.nodeMs).toFixed(2)}x); exit at ${ref.sts.wallMs.median} ms`,
    '',
    `start-up, median of ${r.startup.runs}: node -e 0 ${r.startup.nodeMs} ms; --help ${s('help')}; --version ${s('version')}; usage error ${s('usageError')}; list ${s('list')}`,
    `peak RSS (max over stacks): init ${p.init.peakRssMb.max} MB, init again ${p.initAgain.peakRssMb.max} MB, status ${p.status.peakRssMb.max} MB, destroy ${p.destroy.peakRssMb.max} MB`,
    '',
    'targets (medians):',
    ...r.targets.map((t) => `  ${t.ok ? 'pass' : 'FAIL'}  ${t.name.padEnd(56)} ${String(t.value).padStart(8)}   (${t.target})`),
  );
  if (r.mismatches.length) {
    out.push(
      '',
      'ERROR: what the proxy counted does not match the operations table (scripts/bench/operations.mjs) or the SDK reference (scripts/bench/sdk-reference.mjs):',
      ...r.mismatches.map((m) => `  ${m}`),
      'Fix the table or the reference (or the CLI): the floor and the reference are only as honest as they are.',
    );
  }
  return out.join('\n');
}
