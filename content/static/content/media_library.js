/* The media library in the admin (content.admin.media_library):
 * - the uploader: files dropped on the drop zone (or chosen) go up one request each, in
 *   turn (an embedded SQLite serves one writer at a time), each with its own progress bar
 *   and, when refused, the server's reason;
 * - the focal point: a click on the image saves the point (fractions of the image), moves
 *   the marker and reloads the crop preview; from the keyboard, the arrow keys move the
 *   marker (Shift: ten times further) and Enter or Space saves where it stands.
 * Both talk to admin endpoints that answer in the API's error format.
 */
'use strict';
{
  const PARALLEL_UPLOADS = 1;

  function csrfToken(root) {
    const input = root.querySelector('input[name=csrfmiddlewaretoken]') ||
      document.querySelector('input[name=csrfmiddlewaretoken]');
    return input ? input.value : '';
  }

  function reason(xhrOrStatus, body) {
    const error = body && body.error;
    if (!error) {
      return `The server answered ${xhrOrStatus}.`;
    }
    const details = error.details || {};
    const first = Object.values(details).flat().find((m) => typeof m === 'string');
    return first || error.message;
  }

  function parse(text) {
    try {
      return JSON.parse(text);
    } catch (e) {
      return null;
    }
  }

  // --- The uploader -----------------------------------------------------------------

  function setUpUploader(root) {
    const zone = root.querySelector('#media-dropzone');
    const input = root.querySelector('#media-files');
    const list = root.querySelector('#media-upload-list');
    const done = root.querySelector('#media-upload-done');
    const url = root.dataset.uploadUrl;
    const token = csrfToken(root);
    const queue = [];
    let running = 0;

    function row(file) {
      const item = document.createElement('li');
      item.className = 'folio-upload';
      item.dataset.state = 'waiting';
      const name = document.createElement('span');
      name.className = 'folio-upload__name';
      name.textContent = file.name;
      const bar = document.createElement('progress');
      bar.max = 100;
      bar.value = 0;
      bar.setAttribute('aria-label', `Upload of ${file.name}`);
      const state = document.createElement('span');
      state.className = 'folio-upload__state';
      state.textContent = 'Waiting';
      item.append(name, bar, state);
      list.append(item);
      return {item, bar, state};
    }

    function finish(ui, ok, html) {
      ui.item.dataset.state = ok ? 'done' : 'refused';
      ui.state.replaceChildren(...html);
      running -= 1;
      next();
    }

    function link(href, text) {
      const a = document.createElement('a');
      a.href = href;
      a.textContent = text;
      return a;
    }

    function send(file, ui) {
      running += 1;
      ui.item.dataset.state = 'uploading';
      ui.state.textContent = 'Uploading';
      const form = new FormData();
      form.append('file', file, file.name);
      const xhr = new XMLHttpRequest();
      xhr.open('POST', url);
      xhr.setRequestHeader('X-CSRFToken', token);
      xhr.setRequestHeader('Accept', 'application/json');
      xhr.upload.addEventListener('progress', (event) => {
        if (event.lengthComputable) {
          ui.bar.value = Math.round((event.loaded / event.total) * 100);
        }
      });
      xhr.addEventListener('load', () => {
        const body = parse(xhr.responseText);
        if (xhr.status === 200 || xhr.status === 201) {
          ui.bar.value = 100;
          const label = xhr.status === 201 ? 'Uploaded as ' : 'Already in the library as ';
          finish(ui, true, [label, link(body.change_url, `“${body.title}”`)]);
        } else if (xhr.status >= 500) {
          finish(ui, false, [`Failed: the server had an error (${xhr.status}); try again.`]);
        } else {
          finish(ui, false, [`Refused: ${reason(xhr.status, body)}`]);
        }
      });
      xhr.addEventListener('error', () => finish(ui, false, ['Refused: the upload was interrupted.']));
      xhr.send(form);
    }

    function next() {
      while (running < PARALLEL_UPLOADS && queue.length) {
        const {file, ui} = queue.shift();
        send(file, ui);
      }
      if (!running && !queue.length && list.querySelector('[data-state=done]')) {
        done.hidden = false;
      }
    }

    function add(files) {
      for (const file of files) {
        queue.push({file, ui: row(file)});
      }
      next();
    }

    zone.addEventListener('dragover', (event) => {
      event.preventDefault();
      zone.classList.add('is-dragover');
    });
    zone.addEventListener('dragleave', () => zone.classList.remove('is-dragover'));
    zone.addEventListener('drop', (event) => {
      event.preventDefault();
      zone.classList.remove('is-dragover');
      if (event.dataTransfer && event.dataTransfer.files.length) {
        add(event.dataTransfer.files);
      }
    });
    input.addEventListener('change', () => {
      add(input.files);
      input.value = '';
    });
  }

  // --- The focal point --------------------------------------------------------------

  function setUpFocalPoint(root) {
    const button = root.querySelector('.folio-focal__image');
    const image = button.querySelector('img');
    const marker = button.querySelector('.folio-focal__marker');
    const status = root.querySelector('.folio-focal__status');
    const clear = root.querySelector('.folio-focal__clear');
    const crop = root.querySelector('.folio-focal__crop img');
    const token = csrfToken(root.closest('form') || document);

    function show(point) {
      if (point) {
        marker.style.left = `${point.x * 100}%`;
        marker.style.top = `${point.y * 100}%`;
        marker.hidden = false;
        root.dataset.x = point.x;
        root.dataset.y = point.y;
        status.textContent = `Focal point saved at ${Math.round(point.x * 100)}% across, ` +
          `${Math.round(point.y * 100)}% down.`;
      } else {
        marker.hidden = true;
        delete root.dataset.x;
        delete root.dataset.y;
        status.textContent = 'No focal point: crops keep the centre.';
      }
      if (clear) {
        clear.hidden = !point;
      }
    }

    async function save(point) {
      status.textContent = 'Saving…';
      const response = await fetch(root.dataset.endpoint, {
        method: 'POST',
        headers: {'Content-Type': 'application/json', 'X-CSRFToken': token},
        body: JSON.stringify(point || {x: null, y: null}),
        credentials: 'same-origin',
      });
      const body = parse(await response.text());
      if (!response.ok) {
        status.textContent = `Not saved: ${reason(response.status, body)}`;
        return;
      }
      show(body.focal_point);
      // The crop is made again around the new point; its file name changes with it.
      crop.src = `${root.dataset.cropUrl}?focus=${Date.now()}`;
    }

    const clamp = (v) => Math.min(1, Math.max(0, v));
    const percent = (v) => Math.round(v * 100);
    // The keyboard's point: moved by the arrow keys, saved by Enter or Space.
    let pending = null;

    function saved() {
      return root.dataset.x === undefined ? null : {x: Number(root.dataset.x), y: Number(root.dataset.y)};
    }

    function place(point) {
      marker.style.left = `${point.x * 100}%`;
      marker.style.top = `${point.y * 100}%`;
      marker.hidden = false;
    }

    const ARROWS = {ArrowLeft: [-1, 0], ArrowRight: [1, 0], ArrowUp: [0, -1], ArrowDown: [0, 1]};
    const STEP = 0.01; // 1% of the image a press; with Shift, 10%

    button.addEventListener('keydown', (event) => {
      const arrow = ARROWS[event.key];
      if (arrow) {
        event.preventDefault(); // no scrolling while the point moves
        const from = pending || saved() || {x: 0.5, y: 0.5};
        const step = event.shiftKey ? STEP * 10 : STEP;
        pending = {
          x: Math.round(clamp(from.x + arrow[0] * step) * 1000) / 1000,
          y: Math.round(clamp(from.y + arrow[1] * step) * 1000) / 1000,
        };
        place(pending);
        status.textContent = `Focal point at ${percent(pending.x)}% across, ` +
          `${percent(pending.y)}% down, not saved: press Enter to save it.`;
      } else if (event.key === 'Enter' || event.key === ' ') {
        event.preventDefault(); // the button's own "click" would have no position
        const point = pending || saved() || {x: 0.5, y: 0.5};
        pending = null;
        save(point);
      } else if (event.key === 'Escape' && pending) {
        pending = null;
        show(saved());
      }
    });

    if (root.dataset.x !== undefined) {
      show(saved());
      status.textContent = status.textContent.replace('saved at', 'at');
    }
    button.addEventListener('click', (event) => {
      if (event.detail === 0) {
        return; // a keyboard "click" has no position on the image (keydown saves)
      }
      const box = image.getBoundingClientRect();
      save({
        x: clamp((event.clientX - box.left) / box.width),
        y: clamp((event.clientY - box.top) / box.height),
      });
    });
    if (clear) {
      clear.addEventListener('click', () => save(null));
    }
  }

  function ready(fn) {
    if (document.readyState !== 'loading') {
      fn();
    } else {
      document.addEventListener('DOMContentLoaded', fn);
    }
  }

  ready(() => {
    const uploader = document.getElementById('media-uploader');
    if (uploader) {
      setUpUploader(uploader);
    }
    const focal = document.getElementById('focal-point');
    if (focal) {
      setUpFocalPoint(focal);
    }
  });
}
