/* The periodic task form: under the crontab select, what the chosen schedule means
 * ("At 03:00 every day"), read from the page's JSON (beat's readable_crontabs). */
'use strict';
{
  const data = document.getElementById('readable-crontabs');
  const select = document.getElementById('id_crontab');
  if (data && select) {
    const readable = JSON.parse(data.textContent);
    const line = document.createElement('p');
    line.className = 'mt-2 text-xs text-base-500';
    line.dataset.crontabReading = '';
    line.setAttribute('aria-live', 'polite');
    select.closest('.field-crontab, .form-row, div').append(line);
    const show = () => {
      const text = readable[select.value];
      line.textContent = text ? `Runs: ${text}` : '';
    };
    select.addEventListener('change', show);
    show();
    // Beat's read-only copy of the same text is not needed beside it.
    document.querySelectorAll('.field-crontab_translation').forEach((row) => {
      row.hidden = true;
    });
  }
}
