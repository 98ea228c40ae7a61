// The stock extensions, adjusted so that the editor holds exactly what a body block holds
// (content/blocks.py) and gives it back unchanged (content/blocks_html.py reads the HTML).
// The "configurable" preset imports this module; its exports replace the built-in
// extensions of the same name. The new nodes (callout, embed, quote) are in body_nodes.js.
import {
  Code as BaseCode,
  CodeBlock as BaseCodeBlock,
  Caption as BaseCaption,
  Extension,
  Image as BaseImage,
  ListItem as BaseListItem,
  gettext,
  updateAttrsDialog,
} from "django-prose-editor/editor"

// Body images are MediaAssets: keep the picked asset's id on the <img> as data-media-id.
// The stock Image stores the media picker's id as data-file.
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

// Read the stored HTML's spaces as they are. By default ProseMirror collapses and trims
// whitespace while parsing, which would change untouched blocks on every save.
export const KeepWhitespace = Extension.create({
  name: "keepWhitespace",
  onBeforeCreate() {
    this.editor.options.parseOptions = {
      ...this.editor.options.parseOptions,
      preserveWhitespace: true,
    }
  },
})

// Inline code may be bold or a link, as body HTML may be; the stock mark excludes all
// others, which would drop a link around `code` on the first save.
export const Code = BaseCode.extend({ excludes: "" })

// A list item is one line of text (list.items are inline HTML): no nested lists.
export const ListItem = BaseListItem.extend({ content: "paragraph" })

// An image caption is plain text in the block model.
export const Caption = BaseCaption.extend({ content: "text*", marks: "" })

const LANGUAGE = /^[a-z0-9+#._-]{0,30}$/

// The stock code block keeps its language (class="language-x"); this lets editors set it.
export const CodeBlock = BaseCodeBlock.extend({
  addCommands() {
    return {
      ...this.parent?.(),
      editCodeLanguage:
        () =>
        ({ editor }) => {
          if (!editor.isActive(this.name)) return false
          const { language } = editor.getAttributes(this.name)
          updateAttrsDialog(
            {
              language: {
                type: "string",
                title: gettext("Language"),
                description: gettext("For example python, html or js; empty for none."),
              },
            },
            { title: gettext("Code language"), submitText: gettext("Update") },
          )(editor, { language: language || "" }).then((attrs) => {
            if (!attrs) return
            const value = attrs.language.trim().toLowerCase()
            if (!LANGUAGE.test(value)) {
              window.alert(gettext("Use only letters, digits and + # . _ -"))
              return
            }
            editor
              .chain()
              .focus()
              .updateAttributes(this.name, { language: value || null })
              .run()
          })
          return true
        },
    }
  },

  addMenuItems({ menu, buttons }) {
    this.parent?.({ menu, buttons })
    menu.defineItem({
      name: "codeLanguage",
      groups: "nodes",
      button: buttons.material("translate", gettext("Code language")),
      command(editor) {
        editor.commands.editCodeLanguage()
      },
      hidden(editor) {
        return !editor.isActive("codeBlock")
      },
    })
  },
})
