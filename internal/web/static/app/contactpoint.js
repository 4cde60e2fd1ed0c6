// ContactPoint's script: starts GOV.UK Frontend's components and warns
// before the session times out. Every page works without it.
import { initAll } from '/assets/govuk-frontend.min.js'

initAll()

const WARN_BEFORE = 2 * 60 * 1000 // warn 2 minutes before the session ends

function sessionTimeout () {
  const el = document.getElementById('session-timeout')
  if (!el || !window.HTMLDialogElement) return
  let ends = Date.parse(el.dataset.ends)
  if (isNaN(ends)) return

  const dialog = document.createElement('dialog')
  dialog.className = 'app-timeout-dialog'
  dialog.setAttribute('aria-labelledby', 'timeout-heading')
  dialog.setAttribute('aria-describedby', 'timeout-message')
  dialog.innerHTML =
    '<h2 class="govuk-heading-m" id="timeout-heading">You’re about to be signed out</h2>' +
    '<p class="govuk-body" id="timeout-message">For your security, we will sign you out in <strong class="app-timeout-count"></strong>.</p>' +
    '<div class="govuk-button-group">' +
    '<button type="button" class="govuk-button app-timeout-stay">Stay signed in</button>' +
    '<form method="post" action="/sign-out" class="app-inline-form"><button type="submit" class="govuk-link app-link-button">Sign out</button></form>' +
    '</div>'
  document.body.appendChild(dialog)
  const count = dialog.querySelector('.app-timeout-count')

  function tick () {
    const left = ends - Date.now()
    if (left <= 0) {
      window.location.href = '/signed-out?timeout=1'
      return
    }
    if (left <= WARN_BEFORE) {
      const mins = Math.floor(left / 60000)
      const secs = Math.floor((left % 60000) / 1000)
      count.textContent = mins > 0 ? mins + ' minute' + (mins > 1 ? 's' : '') + (secs ? ' ' + secs + ' seconds' : '') : secs + ' seconds'
      if (!dialog.open) dialog.showModal()
    }
  }

  dialog.querySelector('.app-timeout-stay').addEventListener('click', async () => {
    const res = await fetch('/session/keep-alive', { method: 'POST', headers: { Accept: 'application/json' }, credentials: 'same-origin' })
    if (res.ok) {
      const body = await res.json()
      ends = Date.parse(body.ends_at)
    }
    dialog.close()
  })
  dialog.addEventListener('cancel', (e) => { e.preventDefault() })
  setInterval(tick, 1000)
  tick()
}

sessionTimeout()
