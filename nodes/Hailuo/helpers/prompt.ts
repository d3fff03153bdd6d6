export const MAX_PROMPT_LENGTH = 2000;
/** A bound on the text behind those characters: letters stacked with many marks count more. */
const MAX_PROMPT_CODE_UNITS = 16 * MAX_PROMPT_LENGTH;

const graphemes = new Intl.Segmenter(undefined, { granularity: 'grapheme' });

/** Characters as a person counts them: an emoji, a flag or a letter with its accent is one. */
export function countCharacters(text: string): number {
	return Array.from(graphemes.segment(text)).length;
}

/** Space, control and format characters, lone combining marks and other invisible code points. */
const INVISIBLE = /[\p{White_Space}\p{Cc}\p{Cf}\p{M}\p{Default_Ignorable_Code_Point}\u2800]/gu;

/** The prompt rules, for the Prompt field and for a prompt sent through "Extra Body Fields". */
export function promptProblem(text: string): string | undefined {
	if (text.replace(INVISIBLE, '') === '') {
		return 'must not be empty (spaces and invisible characters do not count): describe the motion you want';
	}
	if (text.length > MAX_PROMPT_CODE_UNITS) {
		return (
			`must be at most ${MAX_PROMPT_LENGTH} characters and ${MAX_PROMPT_CODE_UNITS} UTF-16 code units ` +
			`(it has ${text.length} code units; marks stacked on a letter count toward that)`
		);
	}
	const characters = countCharacters(text);
	if (characters > MAX_PROMPT_LENGTH) {
		return `must be at most ${MAX_PROMPT_LENGTH} characters (it has ${characters})`;
	}
	return undefined;
}
