// The media picker runs in the popup the body editor's "Browse..." button opens.
// Choosing an image hands (url, {id, alternative_text}) back through the CKEditor-style
// callback django-prose-editor listens on; the editor keeps the id as data-media-id.
const funcNum = new URLSearchParams(window.location.search).get("CKEditorFuncNum")

function pick(button) {
  const data = { id: button.dataset.mediaId, alternative_text: button.dataset.alt || "" }
  window.opener?.CKEDITOR?.tools?.callFunction(funcNum, button.dataset.url, data)
  window.close()
}

document.addEventListener("click", (event) => {
  const button = event.target.closest("[data-pick-media]")
  if (!button) return
  event.preventDefault()
  pick(button)
})

// Right after an upload the new image is chosen without another click.
const uploaded = document.querySelector("[data-pick-media][data-autopick]")
if (uploaded) pick(uploaded)
