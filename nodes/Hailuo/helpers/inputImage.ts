import type { IBinaryData, IExecuteFunctions, INode } from 'n8n-workflow';

import { failParameter, readParameter } from './parameters';
import {
	imageSourceField,
	imageUrlField,
	inputBinaryField,
	MAX_IMAGE_BYTES,
	MAX_IMAGE_SIZE,
} from './requestFields';

const IMAGE_SIGNATURES: Array<{ mimeType: string; matches: (bytes: Buffer) => boolean }> = [
	{
		mimeType: 'image/jpeg',
		matches: (b) => b.length > 3 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff,
	},
	{
		mimeType: 'image/png',
		matches: (b) =>
			b.length > 8 &&
			b.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])),
	},
	{
		mimeType: 'image/webp',
		matches: (b) =>
			b.length > 12 &&
			b.toString('latin1', 0, 4) === 'RIFF' &&
			b.toString('latin1', 8, 12) === 'WEBP',
	},
];

const LABEL = inputBinaryField.property.displayName;

/**
 * The first frame from the Image URL, as written (the body check decides), or undefined when it
 * is the input file: that one is read by readImageFile, after every check that needs no bytes.
 */
export function imageFromUrl(
	this: IExecuteFunctions,
	i: number,
): { value: unknown; field: string } | undefined {
	if (readParameter(this, imageSourceField, i) === 'binary') return undefined;
	return {
		value: readParameter(this, imageUrlField, i),
		field: imageUrlField.property.displayName,
	};
}

/**
 * The input file's image as a `data:` URL: what its metadata says (the field, its presence, its
 * declared size) is checked before the bytes are loaded.
 */
export async function readImageFile(this: IExecuteFunctions, i: number): Promise<string> {
	return await imageDataUrlFromBinary.call(this, i, readParameter(this, inputBinaryField, i));
}

/**
 * Reads the incoming item's image and returns it as a `data:` URL, refusing anything but JPEG,
 * PNG and WebP up to MAX_IMAGE_BYTES before any request is made. The bytes decide the type, not the name.
 */
async function imageDataUrlFromBinary(
	this: IExecuteFunctions,
	itemIndex: number,
	binaryPropertyName: string,
): Promise<string> {
	const node = this.getNode();
	const binary = this.getInputData()[itemIndex]?.binary?.[binaryPropertyName];
	if (!binary) {
		const available = Object.keys(this.getInputData()[itemIndex]?.binary ?? {});
		failParameter(
			node,
			LABEL,
			`the incoming item has no binary field "${binaryPropertyName}"` +
				(available.length
					? ` (it has: ${available.join(', ')})`
					: ' (it has no binary data at all)'),
			itemIndex,
		);
	}
	const declaredSize = Number(binary.bytes ?? NaN);
	if (declaredSize > MAX_IMAGE_BYTES) tooLarge(node, declaredSize, itemIndex);
	const bytes = await this.helpers.getBinaryDataBuffer(itemIndex, binaryPropertyName);
	if (bytes.length > MAX_IMAGE_BYTES) tooLarge(node, bytes.length, itemIndex);
	const kind = IMAGE_SIGNATURES.find((signature) => signature.matches(bytes));
	if (!kind) {
		failParameter(
			node,
			LABEL,
			`"${binaryPropertyName}" is not a JPEG, PNG or WebP image (it is ${describeBinary(binary)}); convert it first`,
			itemIndex,
		);
	}
	return `data:${kind.mimeType};base64,${bytes.toString('base64')}`;
}

function tooLarge(node: INode, size: number, itemIndex: number): never {
	const megabytes = (size / 1024 / 1024).toFixed(1);
	return failParameter(
		node,
		LABEL,
		`the image is ${megabytes} MB; at most ${MAX_IMAGE_SIZE} is allowed`,
		itemIndex,
	);
}

const describeBinary = (binary: IBinaryData) =>
	[binary.mimeType, binary.fileName].filter(Boolean).join(', ') || 'of unknown type';
