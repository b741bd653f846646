// jest on Node 20 cannot require() the ESM-only content-disposition 3 that @fastify/static 10
// loads at start-up (the app itself runs on Node >= 20.19, where require(esm) works). The app
// never calls reply.download(), which is all it is used for; this stand-in keeps the same shape.
'use strict';

function create(filename, options) {
  const type = (options && options.type) || 'attachment';
  return filename === undefined ? type : `${type}; filename*=UTF-8''${encodeURIComponent(String(filename))}`;
}

module.exports = { create };
