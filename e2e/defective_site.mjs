// A product that is not ready to launch, on loopback only: a DNS server (dns2) on the port the
// server under test resolves through (LAUNCHREADY_E2E_DNS_PORT, see e2e/run.sh), which gives
// the site's names one 127.77.0.0/16 address, and a plain-HTTP site there with nothing on
// port 443. An audit of it fails `http.https.available` (critical), so its decision is Hold and
// its scorecard offers a sprint. Port 80 needs root, as on the CI machines.

import http from 'node:http';
import dns2 from 'dns2';

const { Packet } = dns2;

export const SITE_ADDRESS = '127.77.0.1';

/**
 * Starts DNS for `apex` and `www.<apex>` and the site itself; `close()` stops both, after which
 * the server's names no longer resolve (the other test files expect that).
 */
export async function startDefectiveSite(apex) {
  const port = Number(process.env.LAUNCHREADY_E2E_DNS_PORT);
  if (!Number.isInteger(port) || port <= 0) {
    throw new Error('LAUNCHREADY_E2E_DNS_PORT must name the UDP port the server resolves through (e2e/run.sh sets it)');
  }
  const names = new Set([apex, `www.${apex}`]);
  const dns = dns2.createServer({
    udp: true,
    handle: (request, send) => {
      const response = Packet.createResponseFromRequest(request);
      // The authoritative answer of a recursive resolver, as the server's resolver expects.
      response.header.aa = 1;
      response.header.ra = 1;
      const [question] = request.questions;
      const name = String(question?.name ?? '').toLowerCase().replace(/\.$/, '');
      if (!names.has(name)) {
        // Only this site exists here; every other name (mail hosts, DKIM keys of other
        // domains) is answered as absent, quickly, rather than left to time out.
        response.header.rcode = Packet.RCODE.NXDOMAIN;
      } else if (question.type === Packet.TYPE.A) {
        response.answers.push({ name: question.name, type: Packet.TYPE.A, class: Packet.CLASS.IN, ttl: 60, address: SITE_ADDRESS });
      }
      // Other types of the site's names (AAAA, TXT, MX, CAA…): no records, so no SPF, no
      // DMARC, no CAA, which the audit reports as further defects.
      send(response);
    },
  });
  await dns.listen({ udp: { port, address: '127.0.0.1' } });

  // No redirect to HTTPS, no security headers: what a first prototype often looks like.
  const site = http.createServer((req, res) => {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', connection: 'close' });
    res.end('<!doctype html><title>HoldCo</title><h1>HoldCo: coming soon</h1>');
  });
  await new Promise((resolve, reject) => {
    site.once('error', reject);
    site.listen(80, SITE_ADDRESS, resolve);
  });

  return {
    async close() {
      await Promise.all([new Promise((resolve) => site.close(resolve)), dns.close()]);
    },
  };
}
