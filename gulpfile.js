// Copies what n8n needs beside the compiled code: the icons and the codex (*.node.json) files.
const { src, dest } = require('gulp');

function copyAssets() {
	return src(['icons/**/*.svg', 'nodes/**/*.node.json'], { base: '.' }).pipe(dest('dist'));
}

exports.build = copyAssets;
exports.default = copyAssets;
