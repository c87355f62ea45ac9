package web

import (
	"slices"
	"strings"

	"github.com/gochalice/chalice"
)

// BinaryTypes are the binary content types the toolkit serves, beyond
// chalice.DefaultBinaryTypes' images. Configure adds them to the app.
var BinaryTypes = []string{
	"image/webp", "image/png", "image/jpeg", "image/gif", "image/avif", "image/x-icon", "image/vnd.microsoft.icon",
	"font/woff", "font/woff2", "font/ttf", "font/otf",
	"application/octet-stream", "application/pdf", "application/wasm", "application/zip",
	"audio/mpeg", "audio/ogg", "audio/wav", "video/mp4", "video/webm",
}

// Configure prepares app for the toolkit: it adds BinaryTypes to
// app.API.BinaryTypes (without duplicates), so that API Gateway decodes the
// base64 bodies the runtime sends for them.
//
// API Gateway (REST) only decodes a binary body when the request's Accept
// header matches one of the binary types, and gochalice, like Chalice,
// answers 400 when a view returns a binary Content-Type to a request
// without such an Accept. Browsers send Accept: */* (or a list ending in
// */*) for images, fonts, scripts and styles, and */* matches every type,
// so subresources work; a client sending no Accept header at all, or
// e.g. Accept: text/html only, gets the 400.
func Configure(app *chalice.App) {
	for _, t := range BinaryTypes {
		if !slices.ContainsFunc(app.API.BinaryTypes, func(s string) bool { return strings.EqualFold(s, t) }) {
			app.API.BinaryTypes = append(app.API.BinaryTypes, t)
		}
	}
}
