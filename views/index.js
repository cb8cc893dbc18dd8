'use strict';

// Plain CommonJS beside the templates, not built: the folder is its own module, so `viewsPath`
// is right from the source tree and from the installed package alike, and one file serves both
// `require` and `import` (Node reads the named export from CommonJS).
module.exports.viewsPath = __dirname;
