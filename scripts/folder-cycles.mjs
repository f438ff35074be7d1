#!/usr/bin/env node
// Folders of gateway/src that depend on each other both ways: a cycle between modules' folders, which the module-level
// rule of dependency-cruiser does not see. The composition root (the files directly in gateway/src: server, config,
// domain-deps, domains, error handler) wires every folder and is left out. Reads dependency-cruiser's JSON on stdin.
import process from 'node:process';

let input = '';
for await (const chunk of process.stdin) input += chunk;
const { modules } = JSON.parse(input);
const folderOf = (path) => /^gateway\/src\/([^/]+)\//.exec(path)?.[1];
const edges = new Map();
for (const module of modules) {
  const from = folderOf(module.source);
  if (!from) continue;
  for (const dependency of module.dependencies) {
    const to = folderOf(dependency.resolved);
    if (!to || to === from) continue;
    const key = `${from} → ${to}`;
    if (!edges.has(key)) edges.set(key, `${module.source} imports ${dependency.resolved}`);
  }
}
const cycles = [...edges.keys()].filter((key) => {
  const [from, to] = key.split(' → ');
  return from < to && edges.has(`${to} → ${from}`);
});
for (const key of cycles) {
  const [from, to] = key.split(' → ');
  process.stderr.write(
    `folders ${from}/ and ${to}/ import each other:\n  ${edges.get(key)}\n  ${edges.get(`${to} → ${from}`)}\n`,
  );
}
if (cycles.length) process.exit(1);
process.stdout.write(
  `✔ no folder of gateway/src imports one that imports it (${new Set([...edges.keys()].map((k) => k.split(' → ')[0])).size} folders)\n`,
);
