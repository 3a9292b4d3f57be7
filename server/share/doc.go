// Package share serves the public page of a badge a visitor chose to
// share (/p/<token>): their pseudonym, the badge and the day it was
// earned, nothing else, with Open Graph tags so that a link pasted on a
// social network shows a preview, and the preview's picture
// (/p/<token>.png, 1200 x 630) drawn by the server with golang.org/x/image
// and the bundled Andika font (SIL Open Font License, fonts/OFL.txt). The
// token is 128 random bits: the page is public but cannot be found
// without the link. A deleted or erased link is gone at once (404).
package share
