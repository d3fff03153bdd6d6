/** An absolute http(s) URL with a host: the only kind of link this package sends or follows. */
export function isHttpUrl(value: unknown): value is string {
	if (typeof value !== 'string') return false;
	try {
		const url = new URL(value.trim());
		return (
			(url.protocol === 'http:' || url.protocol === 'https:') &&
			url.hostname !== '' &&
			!/\s/.test(value.trim())
		);
	} catch {
		return false;
	}
}

/** Whether two URLs share scheme, host and port; an unparsable one shares nothing. */
export function sameOrigin(a: string, b: string): boolean {
	return isHttpUrl(a) && isHttpUrl(b) && new URL(a.trim()).origin === new URL(b.trim()).origin;
}
