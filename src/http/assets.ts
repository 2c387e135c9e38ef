// Static assets served by the api (kept in code so the build needs no copy step).
// Pages use no inline script or style, so the Content-Security-Policy can forbid both.
const SITE_CSS = `
*,*::before,*::after{box-sizing:border-box}
body{margin:0;font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,Helvetica,Arial,sans-serif;color:#1f2933;background:#f3f4f6}
header.site{background:var(--brand);color:#fff;padding:14px 20px}
header.site a{color:#fff;text-decoration:none;font-weight:700;font-size:1.15rem;display:inline-flex;align-items:center;gap:10px}
header.site img.logo{height:32px;width:auto}
main{max-width:560px;margin:24px auto;padding:24px;background:#fff;border-radius:10px;box-shadow:0 1px 3px rgba(0,0,0,.08)}
main.wide{max-width:960px}
h1{font-size:1.5rem;margin:0 0 .5rem}
p.lead{color:#52606d;margin-top:0}
label{display:block;font-weight:600;margin:14px 0 4px}
input[type=email],input[type=text],select{width:100%;padding:10px 12px;font-size:1rem;border:1px solid #9aa5b1;border-radius:6px;background:#fff}
input:focus,select:focus,button:focus{outline:3px solid #f7c948;outline-offset:1px}
fieldset{border:1px solid #cbd2d9;border-radius:6px;margin:14px 0 0;padding:8px 12px}
legend{font-weight:600;padding:0 4px}
fieldset label{display:flex;gap:8px;align-items:center;font-weight:400;margin:6px 0}
.row{display:flex;gap:12px;flex-wrap:wrap}.row>div{flex:1 1 200px}
button{margin-top:18px;padding:12px 18px;font-size:1rem;font-weight:600;color:#fff;background:var(--brand);border:0;border-radius:6px;cursor:pointer;width:100%}
button.secondary{background:#fff;color:#b42318;border:1px solid #b42318}
.hp{position:absolute;left:-10000px;width:1px;height:1px;overflow:hidden}
.notice{padding:12px 14px;border-radius:6px;margin:16px 0 0}
.notice.ok{background:#e3f9e5;color:#05400a}.notice.err{background:#ffe3e3;color:#610404}
.muted{color:#616e7c;font-size:.9rem}
table{border-collapse:collapse;width:100%;font-size:.95rem}th,td{text-align:left;padding:6px 8px;border-bottom:1px solid #e4e7eb;vertical-align:top}
h2{font-size:1.2rem;margin:1.5rem 0 .5rem}h3{font-size:1rem;margin:1rem 0 .4rem}
.scroll{overflow-x:auto;-webkit-overflow-scrolling:touch}td.n{text-align:right;font-variant-numeric:tabular-nums}
.good{color:#05400a}.bad{color:#b42318;font-weight:600}
@media (max-width:600px){main{margin:0;border-radius:0;padding:18px}}
`;

/** The stylesheet with BRAND_COLOR (validated #rrggbb) as --brand. */
export function siteCss(brandColor: string): string {
  return `:root{--brand:${brandColor}}${SITE_CSS}`;
}

/** Progressive enhancement: the form works without this; with it, it submits inline. */
export const SIGNUP_JS = `
(function () {
  var form = document.getElementById('signup');
  if (!form || !window.fetch) return;
  var tz = form.querySelector('[name=timezone]');
  try { if (tz && !tz.dataset.touched) tz.value = Intl.DateTimeFormat().resolvedOptions().timeZone || tz.value; } catch (e) {}
  var status = document.getElementById('signup-status');
  form.addEventListener('submit', function (ev) {
    ev.preventDefault();
    var data = new FormData(form);
    var body = {
      email: data.get('email') || '',
      name: data.get('name') || undefined,
      topics: data.getAll('topics'),
      timezone: data.get('timezone') || undefined,
      sendHour: data.get('sendHour') ? Number(data.get('sendHour')) : undefined,
      weekdaysOnly: data.get('weekdaysOnly') === 'on',
      cadence: data.get('cadence') || undefined,
      weeklyDay: data.get('weeklyDay') || undefined,
      watchlist: data.getAll('watchlist'),
      website: data.get('website') || undefined
    };
    var button = form.querySelector('button');
    button.disabled = true;
    fetch(form.action, { method: 'POST', headers: { 'Content-Type': 'application/json', 'Accept': 'application/json' }, body: JSON.stringify(body) })
      .then(function (res) { return res.json().catch(function () { return {}; }).then(function (json) { return { ok: res.ok, json: json }; }); })
      .then(function (r) {
        status.className = 'notice ' + (r.ok ? 'ok' : 'err');
        status.textContent = r.ok ? 'Thank you for subscribing \\u2014 check your inbox to confirm.' : (r.json.message || 'Something went wrong.');
        if (r.ok) form.reset();
      })
      .catch(function () { status.className = 'notice err'; status.textContent = 'Something went wrong.'; })
      .then(function () { button.disabled = false; status.focus(); });
  });
})();
`;
