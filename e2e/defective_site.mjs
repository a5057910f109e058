// A product that is not ready to launch, on loopback only: a DNS server (dns2) on the port the
// server under test resolves through (LAUNCHREADY_E2E_DNS_PORT, see e2e/run.sh), which gives
// the site's names the address SITE_ADDRESS, and a plain-HTTP site there with nothing on
// port 443. An audit of it fails `http.https.available` (critical), so its decision is Hold and
// its scorecard offers a sprint. Port 80 needs root, as on the CI machines.

import http from 'node:http';
import dns2 from 'dns2';

const { Packet } = dns2;

// Outside 127.77.0.0/16, which the server's crash test uses for its own listeners.
export const SITE_ADDRESS = '127.88.0.1';

/** Answers A for the site's names, "no records" for their other types, NXDOMAIN otherwise. */
function answer(names, request, send) {
  const response = Packet.createResponseFromRequest(request);
  const [question] = request.questions;
  const name = String(question?.name ?? '').toLowerCase().replace(/\.$/, '');
  if (!names.has(name)) {
    // Only this site exists here: every other name is absent, answered at once rather than
    // left to time out.
    response.header.rcode = Packet.RCODE.NXDOMAIN;
  } else if (question.type === Packet.TYPE.A) {
    response.answers.push({ name: question.name, type: Packet.TYPE.A, class: Packet.CLASS.IN, ttl: 60, address: SITE_ADDRESS });
  }
  // AAAA, TXT, MX, CAA… of the site's names: no records, so no SPF, no DMARC and no CAA,
  // which the audit reports as further defects.
  send(response);
}

async function startDns(names, port) {
  const dns = dns2.createServer({ udp: true, handle: (request, send) => answer(names, request, send) });
  // A bind error is emitted, not thrown, and `listen()` would then never settle.
  await new Promise((resolve, reject) => {
    const onError = (err) => {
      try {
        dns.close(); // not awaited: a socket that never bound never reports "close"
      } catch {
        // nothing was open
      }
      reject(new Error(`DNS on 127.0.0.1:${port}: ${err.message}`));
    };
    dns.once('error', onError);
    dns.listen({ udp: { port, address: '127.0.0.1' } }).then(() => {
      dns.off('error', onError);
      resolve();
    });
  });
  dns.on('error', (err) => console.error(`defective site DNS: ${err.message}`));
  return dns;
}

async function startSite() {
  // No redirect to HTTPS, no security headers: what a first prototype often looks like.
  const site = http.createServer((req, res) => {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', connection: 'close' });
    res.end('<!doctype html><title>HoldCo</title><h1>HoldCo: coming soon</h1>');
  });
  await new Promise((resolve, reject) => {
    site.once('error', (err) => {
      const hint = err.code === 'EACCES' ? ' (binding port 80 needs root)' : '';
      reject(new Error(`site on ${SITE_ADDRESS}:80: ${err.message}${hint}`));
    });
    site.listen(80, SITE_ADDRESS, resolve);
  });
  return site;
}

/**
 * Starts DNS for `apex` and `www.<apex>` and the site itself; `close()` stops both, after which
 * the server's names no longer resolve (the other test files expect that). On failure nothing
 * is left listening.
 */
export async function startDefectiveSite(apex) {
  const port = Number(process.env.LAUNCHREADY_E2E_DNS_PORT);
  if (!Number.isInteger(port) || port <= 0) {
    throw new Error('LAUNCHREADY_E2E_DNS_PORT must name the UDP port the server resolves through (e2e/run.sh sets it)');
  }
  const dns = await startDns(new Set([apex, `www.${apex}`]), port);
  let site;
  try {
    site = await startSite();
  } catch (err) {
    await dns.close();
    throw err;
  }
  return {
    async close() {
      await Promise.all([new Promise((resolve) => site.close(resolve)), dns.close()]);
    },
  };
}
