// Starts a did:plc directory (in-memory) and the reference PDS (@atproto/pds) on 127.0.0.1 for
// composer's Bluesky tests, then prints one line of JSON ({"pds": url, "plc": url}) on stdout.
// Everything else comes from the environment the Python fixture sets (PDS_* variables); the PDS
// reads them with its own readEnv(), so this file only adds the PLC directory it needs to create
// accounts without the network. Stops on SIGTERM/SIGINT or when stdin closes (the test ended).
'use strict'
const path = require('node:path')
const modules = process.env.COMPOSER_PDS_MODULES || path.join(__dirname, 'node_modules')
const plc = require(path.join(modules, '@did-plc/server'))
const pds = require(path.join(modules, '@atproto/pds'))

async function main() {
  const plcServer = plc.PlcServer.create({ db: plc.Database.mock(), port: 0 })
  const plcHttp = await plcServer.start()
  const plcUrl = `http://127.0.0.1:${plcHttp.address().port}`
  process.env.PDS_DID_PLC_URL = plcUrl
  const env = pds.readEnv()
  const server = await pds.PDS.create(pds.envToCfg(env), pds.envToSecrets(env))
  await server.start()
  process.stdout.write(JSON.stringify({ pds: `http://127.0.0.1:${env.port}`, plc: plcUrl }) + '\n')
  let stopping = false
  const stop = async () => {
    if (stopping) return
    stopping = true
    try { await server.destroy() } catch (e) { /* already down */ }
    try { await plcServer.destroy() } catch (e) { /* already down */ }
    process.exit(0)
  }
  process.on('SIGTERM', stop)
  process.on('SIGINT', stop)
  process.stdin.on('end', stop)
  process.stdin.resume()
}

main().catch((err) => {
  process.stderr.write(`pds launcher: ${err && err.stack ? err.stack : err}\n`)
  process.exit(1)
})
