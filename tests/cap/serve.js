#!/usr/bin/env node
// Starts the test service on 127.0.0.1 with an in-memory SQLite database loaded from db/data.
//
//   node serve.js [--port PORT] [--verbose]
//
// PORT 0 (the default) picks a free port. Once the server accepts connections, the only line
// ever written to stdout is
//
//   listening on http://127.0.0.1:PORT
//
// All logging goes to stderr (errors only, unless --verbose). The process exits on
// SIGTERM, SIGINT and SIGHUP, and when stdin is a pipe or socket that reaches end-of-file.
'use strict'

const { Console } = require('node:console')
const fs = require('node:fs')

function usage(msg) {
  process.stderr.write(`${msg}\nusage: node serve.js [--port PORT] [--verbose]\n`)
  process.exit(2)
}

let port = 0
let verbose = false
const argv = process.argv.slice(2)
for (let i = 0; i < argv.length; i++) {
  const a = argv[i]
  if (a === '--port') port = argv[++i]
  else if (a.startsWith('--port=')) port = a.slice('--port='.length)
  else if (a === '--verbose') verbose = true
  else if (a === '-h' || a === '--help') usage('Starts the CAP test service.')
  else usage(`unknown argument: ${a}`)
}
if (port === undefined || !/^\d+$/.test(String(port)) || Number(port) > 65535) usage(`bad port: ${port}`)
port = Number(port)

// Keep stdout for the one startup line: whatever the framework prints goes to stderr, and
// unless --verbose only errors do (request logs and 4xx warnings are dropped).
const stderrConsole = new Console({ stdout: process.stderr, stderr: process.stderr })
for (const m of ['log', 'info', 'debug', 'trace', 'dir', 'table', 'time', 'timeEnd', 'timeLog']) {
  console[m] = verbose ? stderrConsole[m].bind(stderrConsole) : () => {}
}
console.warn = stderrConsole.warn.bind(stderrConsole)
console.error = stderrConsole.error.bind(stderrConsole)

// Same behaviour wherever it is started from and whatever the caller's environment says.
process.chdir(__dirname)
delete process.env.NODE_ENV
delete process.env.CDS_ENV

const cds = require('@sap/cds')

if (!verbose) {
  const Logger = cds.log.Logger
  cds.log.Logger = (label, level) => Logger(label, Math.min(level, cds.log.levels.ERROR))
}

// cds.server() calls app.listen(port) on all interfaces; bind to the loopback address only.
cds.on('bootstrap', (app) => {
  const listen = app.listen.bind(app)
  app.listen = (p, ...rest) => listen(p, '127.0.0.1', ...rest.filter((r) => typeof r === 'function'))
})

function exit(code) {
  process.exit(code)
}
for (const sig of ['SIGTERM', 'SIGINT', 'SIGHUP']) process.on(sig, () => exit(0))
// A stray rejected promise is logged; the server stays up (cds serve would shut down).
process.on('unhandledRejection', (err) => process.stderr.write(`unhandled rejection: ${err && err.stack ? err.stack : err}\n`))

// Exit when the parent closes our stdin, but only if stdin is a pipe or socket
// (a terminal or /dev/null must not stop the server).
try {
  const st = fs.fstatSync(0)
  if (st.isFIFO() || st.isSocket()) {
    process.stdin.on('end', () => exit(0))
    process.stdin.on('close', () => exit(0))
    process.stdin.on('error', () => exit(0))
    process.stdin.resume()
  }
} catch {
  // no stdin at all
}

async function main() {
  const server = await cds.server({ port, in_memory: true })
  if (!server.listening) await new Promise((resolve, reject) => {
    server.once('listening', resolve)
    server.once('error', reject)
  })
  const { port: actual } = server.address()
  process.stdout.write(`listening on http://127.0.0.1:${actual}\n`)
}

main().catch((err) => {
  process.stderr.write(`failed to start: ${err && err.stack ? err.stack : err}\n`)
  exit(1)
})
