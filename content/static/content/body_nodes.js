// Editor nodes for the body blocks the stock extensions lack: callout, embed, and a quote
// with its attribution. Each renders the HTML content/blocks_html.py reads back into the
// block, so nothing is lost on a save. Loaded by the "configurable" preset (js_modules),
// whose registry these exports join (Blockquote replaces the stock one).
import {
  Node,
  crel,
  gettext,
  mergeAttributes,
  pm,
  updateAttrsDialog,
} from "django-prose-editor/editor"

const { TextSelection } = pm.state

const dialog = (properties, options, values) => (editor) =>
  updateAttrsDialog(properties, options)(editor, values)

// The top-level block holding the selection: {node, pos} (pos is where it starts).
const topBlock = (state) => {
  const { $from } = state.selection
  if ($from.depth === 0) return null
  return { node: $from.node(1), pos: $from.before(1) }
}

const ancestor = (state, name) => {
  const { $from } = state.selection
  for (let depth = $from.depth; depth > 0; depth--) {
    if ($from.node(depth).type.name === name) {
      return { node: $from.node(depth), pos: $from.before(depth), depth }
    }
  }
  return null
}

// --- Callout: a line of rich text with a tone --------------------------------------------

export const Callout = Node.create({
  name: "callout",
  group: "block",
  content: "inline*",
  defining: true,

  addOptions() {
    return { tones: ["info", "success", "warning", "danger"] }
  },

  addAttributes() {
    return {
      tone: {
        default: this.options.tones[0],
        parseHTML: (element) =>
          element.dataset.tone ||
          [...element.classList].find((c) => c.startsWith("callout-"))?.slice(8) ||
          null,
        renderHTML: ({ tone }) => ({ class: `callout callout-${tone}`, "data-tone": tone }),
      },
    }
  },

  parseHTML() {
    return [{ tag: "aside.callout" }, { tag: "aside[data-tone]" }]
  },

  renderHTML({ HTMLAttributes }) {
    return ["aside", mergeAttributes(HTMLAttributes), 0]
  },

  addCommands() {
    return {
      editCallout:
        () =>
        ({ editor, state, dispatch }) => {
          const inside = ancestor(state, this.name)
          if (!inside && !editor.can().setNode(this.name)) return false
          if (!dispatch) return true
          const tones = this.options.tones
          dialog(
            { tone: { title: gettext("Tone"), enum: tones } },
            {
              title: inside ? gettext("Edit callout") : gettext("Insert callout"),
              submitText: inside ? gettext("Update") : gettext("Insert"),
              actions: inside
                ? [
                    {
                      text: gettext("Remove callout"),
                      handler: (_values, form) => {
                        form.closest("dialog").close()
                        editor.chain().focus().setNode("paragraph").run()
                      },
                    },
                  ]
                : [],
            },
            { tone: inside ? inside.node.attrs.tone : tones[0] },
          )(editor).then((attrs) => {
            if (!attrs) return
            const chain = editor.chain().focus()
            if (inside) chain.updateAttributes(this.name, { tone: attrs.tone }).run()
            else chain.setNode(this.name, { tone: attrs.tone }).run()
          })
          return true
        },
    }
  },

  addMenuItems({ menu, buttons }) {
    menu.defineItem({
      name: "callout",
      groups: "nodes",
      button: buttons.material("campaign", gettext("Callout")),
      command(editor) {
        editor.commands.editCallout()
      },
      active(editor) {
        return editor.isActive("callout")
      },
      enabled(editor) {
        return editor.can().editCallout()
      },
    })
  },
})

// --- Embed: a URL the site embeds (video, map, post) --------------------------------------

export const Embed = Node.create({
  name: "embed",
  group: "block",
  atom: true,
  selectable: true,
  draggable: true,

  addAttributes() {
    return {
      url: {
        default: "",
        parseHTML: (element) => element.getAttribute("data-url") || "",
        renderHTML: ({ url }) => ({ "data-url": url }),
      },
    }
  },

  parseHTML() {
    return [{ tag: "div[data-url]" }, { tag: "div.embed" }]
  },

  renderHTML({ node, HTMLAttributes }) {
    const { url } = node.attrs
    return ["div", mergeAttributes({ class: "embed" }, HTMLAttributes), ["a", { href: url }, url]]
  },

  addNodeView() {
    return ({ node, editor, getPos }) => {
      const link = crel("span", { className: "folio-embed__url", textContent: node.attrs.url })
      const dom = crel("div", { className: "folio-embed", contentEditable: "false" }, [
        crel("span", { className: "folio-embed__label", textContent: gettext("Embed") }),
        link,
      ])
      dom.addEventListener("dblclick", () => {
        editor.chain().setNodeSelection(getPos()).editEmbed().run()
      })
      return {
        dom,
        update(updated) {
          if (updated.type.name !== "embed") return false
          link.textContent = updated.attrs.url
          return true
        },
      }
    }
  },

  addCommands() {
    return {
      editEmbed:
        () =>
        ({ editor, state, dispatch }) => {
          const selected = state.selection.node?.type.name === this.name
          if (!selected && !editor.can().insertContent({ type: this.name })) return false
          if (!dispatch) return true
          dialog(
            {
              url: {
                title: gettext("Address (URL) of the video, map or post to embed"),
                format: "url",
                required: true,
              },
            },
            {
              title: selected ? gettext("Edit embed") : gettext("Insert embed"),
              submitText: selected ? gettext("Update") : gettext("Insert"),
            },
            { url: selected ? state.selection.node.attrs.url : "" },
          )(editor).then((attrs) => {
            const url = attrs?.url.trim()
            if (!url) return
            const chain = editor.chain().focus()
            if (selected) chain.updateAttributes(this.name, { url }).run()
            else chain.insertContent({ type: this.name, attrs: { url } }).run()
          })
          return true
        },
    }
  },

  addMenuItems({ menu, buttons }) {
    menu.defineItem({
      name: "embed",
      groups: "nodes",
      button: buttons.material("smart_display", gettext("Embed")),
      command(editor) {
        editor.commands.editEmbed()
      },
      active(editor) {
        return editor.state.selection.node?.type.name === "embed"
      },
      enabled(editor) {
        return editor.can().editEmbed()
      },
    })
  },
})

// --- Quote: one paragraph, then its attribution (plain text, may be empty) ----------------

const QuoteAttribution = Node.create({
  name: "quoteAttribution",
  content: "text*",
  marks: "",
  defining: true,
  isolating: true,

  parseHTML() {
    return [
      { tag: "footer", context: "blockquote/" },
      { tag: "cite", context: "blockquote/" },
    ]
  },

  renderHTML() {
    return ["footer", 0]
  },
})

export const Blockquote = Node.create({
  name: "blockquote",
  group: "block",
  content: "paragraph quoteAttribution",
  defining: true,

  addExtensions() {
    return [QuoteAttribution]
  },

  parseHTML() {
    return [{ tag: "blockquote" }]
  },

  renderHTML({ HTMLAttributes }) {
    return ["blockquote", mergeAttributes(HTMLAttributes), 0]
  },

  addCommands() {
    return {
      editQuote:
        () =>
        ({ editor, state, dispatch }) => {
          const inside = ancestor(state, this.name)
          const block = topBlock(state)
          if (!inside && block?.node.type.name !== "paragraph") return false
          if (!dispatch) return true
          const current = inside ? inside.node.lastChild.textContent : ""
          dialog(
            { attribution: { title: gettext("Attribution (who said it; optional)") } },
            {
              title: inside ? gettext("Edit quote") : gettext("Insert quote"),
              submitText: inside ? gettext("Update") : gettext("Insert"),
              actions: inside
                ? [
                    {
                      text: gettext("Remove quote"),
                      handler: (_values, form) => {
                        form.closest("dialog").close()
                        editor.chain().focus().unsetQuote().run()
                      },
                    },
                  ]
                : [],
            },
            { attribution: current },
          )(editor).then((attrs) => {
            if (attrs) {
              editor.chain().focus().setQuote({ attribution: attrs.attribution.trim() }).run()
            }
          })
          return true
        },

      // Make the paragraph holding the selection a quote, or set the current quote's
      // attribution.
      setQuote:
        ({ attribution }) =>
        ({ tr, state, dispatch }) => {
          const { schema } = state
          const text = attribution ? schema.text(attribution) : null
          const inside = ancestor(state, this.name)
          if (inside) {
            const start = inside.pos + 1 + inside.node.firstChild.nodeSize
            const footer = inside.node.lastChild
            if (dispatch) {
              tr.replaceWith(start, start + footer.nodeSize, footer.type.create(null, text))
            }
            return true
          }
          const block = topBlock(state)
          if (block?.node.type.name !== "paragraph") return false
          if (dispatch) {
            const offset = state.selection.from - block.pos
            const quote = this.type.create(null, [
              block.node,
              schema.nodes.quoteAttribution.create(null, text),
            ])
            tr.replaceWith(block.pos, block.pos + block.node.nodeSize, quote)
            // The text moved one level down (into the quote): keep the cursor where it was.
            tr.setSelection(TextSelection.create(tr.doc, block.pos + offset + 1))
          }
          return true
        },

      // Back to a paragraph; a non-empty attribution becomes the paragraph after it.
      unsetQuote:
        () =>
        ({ tr, state, dispatch }) => {
          const inside = ancestor(state, this.name)
          if (!inside) return false
          if (dispatch) {
            const { firstChild, lastChild } = inside.node
            const nodes = [firstChild]
            if (lastChild.textContent) {
              nodes.push(state.schema.nodes.paragraph.create(null, lastChild.content))
            }
            tr.replaceWith(inside.pos, inside.pos + inside.node.nodeSize, nodes)
          }
          return true
        },
    }
  },

  addKeyboardShortcuts() {
    // Enter moves from the quote to its attribution, and from there out of the quote.
    return {
      Enter: ({ editor }) => {
        const { state } = editor
        const inside = ancestor(state, this.name)
        if (!inside || !state.selection.empty) return false
        const end = inside.pos + inside.node.nodeSize
        if (state.selection.$from.parent.type.name === "quoteAttribution") {
          return editor
            .chain()
            .insertContentAt(end, { type: "paragraph" })
            .setTextSelection(end + 1)
            .run()
        }
        return editor.commands.setTextSelection(end - 2)
      },
    }
  },

  addMenuItems({ menu, buttons }) {
    // Replaces the stock "blockquote" item, whose toggle cannot make this shape.
    menu.defineItem({
      name: "blockquote",
      groups: "nodes",
      button: buttons.material("format_quote", gettext("Quote")),
      command(editor) {
        editor.commands.editQuote()
      },
      active(editor) {
        return editor.isActive("blockquote")
      },
      enabled(editor) {
        return editor.can().editQuote()
      },
    })
  },
})
