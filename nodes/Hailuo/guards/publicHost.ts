import { isHttpUrl } from './url';

/**
 * Whether a URL's host is an address the provider can reach on the public internet, judged from
 * the host as WHATWG URL normalises it (so `2130706433`, `0x7f.1` and `[::ffff:127.0.0.1]` are
 * seen as 127.0.0.1). No DNS lookup: a public name that resolves to a private address is the
 * provider's fetcher's concern, and a lookup here would be a request of its own.
 */

type Range = readonly [first: number, prefixLength: number, what: string];

const PRIVATE = 'a private network address';

/** IPv4 ranges that are not on the public internet (RFC 6890), as 32-bit numbers. */
const IPV4_RANGES: readonly Range[] = [
	[0x00000000, 8, 'the unspecified ("this network") range'],
	[0x0a000000, 8, PRIVATE],
	[0x64400000, 10, 'a carrier-grade NAT (shared) address'],
	[0x7f000000, 8, 'a loopback address'],
	[0xa9fe0000, 16, 'a link-local address (where cloud metadata services answer)'],
	[0xac100000, 12, PRIVATE],
	[0xc0000000, 24, 'reserved for protocol assignments'],
	[0xc0000200, 24, 'reserved for documentation'],
	[0xc0a80000, 16, PRIVATE],
	[0xc6120000, 15, 'reserved for benchmarking'],
	[0xc6336400, 24, 'reserved for documentation'],
	[0xcb007100, 24, 'reserved for documentation'],
	[0xe0000000, 4, 'a multicast address'],
	[0xf0000000, 4, 'a reserved or broadcast address'],
];

/** Names that only resolve inside a machine or a local network (RFC 6761, 6762, 8375; ICANN). */
const LOCAL_SUFFIXES = ['localhost', 'local', 'localdomain', 'internal', 'home.arpa'];

function inRange(value: number, first: number, prefixLength: number): boolean {
	const mask = prefixLength === 0 ? 0 : (0xffffffff << (32 - prefixLength)) >>> 0;
	return (value & mask) >>> 0 === first;
}

function ipv4Reason(address: number): string | undefined {
	return IPV4_RANGES.find(([first, length]) => inRange(address, first, length))?.[2];
}

/** `a.b.c.d` (the only IPv4 form a normalised URL host has) as a 32-bit number. */
function parseIpv4(host: string): number | undefined {
	const parts = host.split('.');
	if (parts.length !== 4 || !parts.every((part) => /^\d{1,3}$/.test(part))) return undefined;
	const bytes = parts.map(Number);
	if (bytes.some((byte) => byte > 255)) return undefined;
	return ((bytes[0] << 24) | (bytes[1] << 16) | (bytes[2] << 8) | bytes[3]) >>> 0;
}

/** A normalised IPv6 host (`::ffff:7f00:1`, no brackets) as its eight 16-bit groups. */
function parseIpv6(host: string): number[] | undefined {
	const halves = host.split('::');
	if (halves.length > 2) return undefined;
	const groups = (text: string) => (text === '' ? [] : text.split(':'));
	const head = groups(halves[0]);
	const tail = halves.length === 2 ? groups(halves[1]) : [];
	const missing = 8 - head.length - tail.length;
	if (missing < 0 || (halves.length === 1 && missing !== 0)) return undefined;
	const all = [...head, ...Array<string>(missing).fill('0'), ...tail];
	if (!all.every((group) => /^[0-9a-f]{1,4}$/i.test(group))) return undefined;
	return all.map((group) => parseInt(group, 16));
}

function ipv6Reason(g: number[]): string | undefined {
	const embeddedV4 = (high: number, low: number) => ((high << 16) | low) >>> 0;
	const zeroUntil = (n: number) => g.slice(0, n).every((group) => group === 0);
	if (zeroUntil(8)) return 'the unspecified address';
	if (zeroUntil(7) && g[7] === 1) return 'a loopback address';
	// IPv4-mapped (::ffff:a.b.c.d), IPv4-compatible (::a.b.c.d) and NAT64 (64:ff9b::a.b.c.d).
	if ((zeroUntil(5) && g[5] === 0xffff) || zeroUntil(6) || (g[0] === 0x64 && g[1] === 0xff9b)) {
		const reason = ipv4Reason(embeddedV4(g[6], g[7]));
		return reason && `an IPv6 form of ${reason}`;
	}
	if (g[0] === 0x2002) {
		const reason = ipv4Reason(embeddedV4(g[1], g[2]));
		return reason && `a 6to4 form of ${reason}`;
	}
	if ((g[0] & 0xfe00) === 0xfc00) return 'a unique local (private) IPv6 address';
	if ((g[0] & 0xffc0) === 0xfe80) return 'a link-local IPv6 address';
	if ((g[0] & 0xffc0) === 0xfec0) return 'a site-local (private) IPv6 address';
	if ((g[0] & 0xff00) === 0xff00) return 'a multicast address';
	if (g[0] === 0x2001 && g[1] === 0x0db8) return 'reserved for documentation';
	return undefined;
}

/**
 * Why a normalised URL host (`new URL(…).hostname`) is not a public internet address, or
 * undefined when it may be one.
 */
export function nonPublicHostReason(hostname: string): string | undefined {
	const host = hostname.toLowerCase().replace(/\.+$/, '');
	if (host.startsWith('[') && host.endsWith(']')) {
		const groups = parseIpv6(host.slice(1, -1));
		return groups ? ipv6Reason(groups) : 'not a valid IPv6 address';
	}
	const ipv4 = parseIpv4(host);
	if (ipv4 !== undefined) return ipv4Reason(ipv4);
	if (host === '') return 'empty';
	if (LOCAL_SUFFIXES.some((suffix) => host === suffix || host.endsWith(`.${suffix}`))) {
		return 'a local name';
	}
	if (!host.includes('.')) return 'a single-label name, which only resolves inside a local network';
	return undefined;
}

/**
 * Whether a normalised URL host only means "this machine": a loopback address, `localhost` (and
 * names under it), or the unspecified address n8n shows when it listens on every interface.
 */
export function isThisMachineOnly(hostname: string): boolean {
	const host = hostname.toLowerCase().replace(/\.+$/, '');
	if (host === 'localhost' || host.endsWith('.localhost')) return true;
	const reason = nonPublicHostReason(host) ?? '';
	return /loopback|unspecified/.test(reason);
}

/**
 * The origin of a "Wait for Callback" resume URL the API could never call: n8n built it on this
 * machine only (no `N8N_WEBHOOK_URL` where the run executes, e.g. on a queue-mode worker) while the
 * API's Base URL is elsewhere. Undefined when the API may reach it (or both are on this machine).
 */
export function unreachableResumeOrigin(resumeUrl: string, apiBaseUrl: string): string | undefined {
	if (!isHttpUrl(resumeUrl) || !isHttpUrl(apiBaseUrl)) return undefined;
	const resume = new URL(resumeUrl.trim());
	if (!isThisMachineOnly(resume.hostname)) return undefined;
	return isThisMachineOnly(new URL(apiBaseUrl.trim()).hostname) ? undefined : resume.origin;
}
