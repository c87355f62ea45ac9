// Package web is gochalice's toolkit for websites on Lambda + API Gateway
// (+ CloudFront): the Go rebuild of chalice-http-toolkit.
//
// It provides:
//
//   - a content manager ([New]) rendering html/template pages with layouts
//     and partials from an fs.FS (typically an embed.FS), plus JSON,
//     redirect and 404 helpers;
//   - static files from an fs.FS ([Static], [FileServer]) with a
//     deterministic Content-Type, strong ETags, Last-Modified, 304 Not
//     Modified, Cache-Control, path traversal protection and
//     content-hashed asset URLs ([Manager.AssetURL]) served as immutable;
//   - image negotiation by Accept ([Image]): a PNG/JPEG source served as
//     WebP, PNG or JPEG with Vary: Accept and a bounded LRU of conversions;
//   - CloudFront-friendly cache validators ([CachePolicy], [NotModified],
//     [Manager.TemplateETag], [Manager.RenderCached]);
//   - an SQS FIFO tasking controller ([NewTasks]) and a keep-warm schedule
//     ([KeepWarm]);
//   - [Configure], which adds the binary content types the toolkit serves
//     to app.API.BinaryTypes.
//
// See docs/WEB.md for the local-versus-deployed differences and how the
// toolkit handles them.
//
// WebP encoding uses github.com/gen2brain/webp. Build with -tags nodynamic
// to always use its transpiled pure-Go libwebp; without the tag it first
// tries a system libwebp.so through purego (see [WebPBackend]).
package web
