// Drives the npm package piston-client (1.0.2, unchanged) against a GozoLite gateway, the way a
// Piston user's program does, and prints what it got back as one JSON object on stdout for
// PistonApiIT to check.
//
//   node run.mjs <client dir (holds node_modules/piston-client)> <server URL>
import path from "node:path";
import { pathToFileURL } from "node:url";

const [clientDir, server] = process.argv.slice(2);
const entry = path.join(clientDir, "node_modules", "piston-client", "index.js");
const { piston } = await import(pathToFileURL(entry).href);

const client = piston({ server });
const runtimes = await client.runtimes();
const hello = await client.execute("python", "print('hello world')");
const stdin = await client.execute("python", "print(input()[::-1])", { stdin: "gozo" });
const compileError = await client.execute("c", "int main( {");

process.stdout.write(
  JSON.stringify({ runtimes: Array.isArray(runtimes) ? runtimes.length : runtimes, hello, stdin, compileError }),
);
