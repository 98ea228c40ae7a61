// Body images are MediaAssets: keep the picked asset's id on the <img> as data-media-id.
// The stock Image stores the media picker's id as data-file; the block model
// (content/blocks_html.py) reads data-media-id, so this module replaces `Image`
// for the "configurable" preset (its exports override the built-in extensions).
import { Image as BaseImage } from "django-prose-editor/editor"

export const Image = BaseImage.extend({
  addAttributes() {
    return {
      ...this.parent?.(),
      file: {
        default: null,
        parseHTML: (element) =>
          element.getAttribute("data-media-id") || element.getAttribute("data-file"),
        renderHTML: (attributes) =>
          attributes.file ? { "data-media-id": attributes.file } : {},
      },
    }
  },
})
