// Clears dist before a build (so a moved or deleted source never ships) and copies what n8n needs
// beside the compiled code: the icons and the codex (*.node.json) files.
const { rmSync } = require('node:fs');
const { src, dest } = require('gulp');

function clean(done) {
	rmSync('dist', { recursive: true, force: true });
	done();
}

function copyAssets() {
	return src(['icons/**/*.svg', 'nodes/**/*.node.json'], { base: '.' }).pipe(dest('dist'));
}

exports.clean = clean;
exports.build = copyAssets;
exports.default = copyAssets;
