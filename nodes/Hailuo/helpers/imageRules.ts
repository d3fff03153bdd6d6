import { nonPublicHostReason } from '../guards/publicHost';
import { isHttpUrl } from '../guards/url';
import { imageSourceField, MAX_IMAGE_BYTES, MAX_IMAGE_SIZE } from './requestFields';

// What an image sent to the API may be: a public link, or an inline JPEG, PNG or WebP.

export const MAX_URL_LENGTH = 2048;
const DATA_URL = /^data:image\/(?:jpeg|png|webp);base64,([A-Za-z0-9+/]*)(={0,2})$/;
const FROM_FILE = imageSourceField.property.options.find(
	(option) => option.value === 'binary',
)?.name;

/**
 * Why an http(s) URL cannot be an image the provider fetches (too long, or a host that is not a
 * public internet address), or undefined when it can.
 */
function imageUrlProblem(url: string): string | undefined {
	if (url.length > MAX_URL_LENGTH) {
		return `must be at most ${MAX_URL_LENGTH} characters (it has ${url.length})`;
	}
	const host = new URL(url).hostname;
	const reason = nonPublicHostReason(host);
	if (reason === undefined) return undefined;
	return (
		`its host ${host} is ${reason}; the provider fetches the image from the internet, ` +
		'so it must be a public address'
	);
}

const IMAGE_ALLOWED =
	'must be a public http:// or https:// URL, or a data:image/(jpeg|png|webp);base64 URL';
// The Image URL field takes links only: a file comes through the other Image Source.
const IMAGE_LINK_ONLY =
	'must be a public http:// or https:// URL of a JPEG, PNG or WebP image; for a file from an ' +
	`earlier node, set "${imageSourceField.property.displayName}" to "${FROM_FILE}"`;

/** The image rules: a public link, or an inline JPEG, PNG or WebP (not through "Image URL"). */
export function imageProblem(image: string, linkOnly = false): string | undefined {
	if (image.startsWith('data:') && !linkOnly) {
		const match = DATA_URL.exec(image);
		if (!match || (match[1].length + match[2].length) % 4 !== 0) {
			return `${IMAGE_ALLOWED}; this data URL is not a base64 JPEG, PNG or WebP`;
		}
		const bytes = ((match[1].length + match[2].length) / 4) * 3 - match[2].length;
		if (bytes > MAX_IMAGE_BYTES) {
			return `is an inline image of ${(bytes / 1024 / 1024).toFixed(1)} MB; at most ${MAX_IMAGE_SIZE} is allowed`;
		}
		return undefined;
	}
	if (!isHttpUrl(image) || image !== image.trim())
		return linkOnly ? IMAGE_LINK_ONLY : IMAGE_ALLOWED;
	return imageUrlProblem(image);
}
