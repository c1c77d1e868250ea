/// `/static/style.css`.
enum StyleSheet {
    static let source = #"""
body { font-family: system-ui, sans-serif; margin: 0; color: #1d2330; background: #f6f7f9; }
header { display: flex; align-items: center; gap: 1.5rem; padding: .6rem 1.2rem; background: #1d2a44; color: #fff; }
header a { color: #fff; text-decoration: none; margin-right: 1rem; }
header .brand { font-weight: 700; }
header .signout { margin-left: auto; font-size: .9rem; }
main { padding: 1rem 1.2rem; }
h1 { font-size: 1.3rem; margin: .2rem 0 1rem; }
h2 { font-size: 1.1rem; margin: 1.4rem 0 .5rem; }
table { border-collapse: collapse; width: 100%; background: #fff; font-size: .85rem; }
th, td { text-align: left; padding: .3rem .5rem; border-bottom: 1px solid #e3e6eb; vertical-align: top; }
th { background: #eef0f4; position: sticky; top: 0; }
td.mono, pre, code { font-family: ui-monospace, monospace; }
tr.failed td { color: #9b1c1c; }
form.filters { display: flex; flex-wrap: wrap; gap: .5rem; margin-bottom: 1rem; align-items: end; }
form.filters label { display: flex; flex-direction: column; font-size: .75rem; color: #555; }
form.filters input { width: 9rem; }
.pager { margin: .8rem 0; }
.message { background: #fff; padding: 1rem; border-left: 4px solid #1d2a44; }
pre.report { background: #fff; padding: 1rem; overflow-x: auto; font-size: .85rem; }
.hit { background: #fff6c8; }
#terminal { background: #000; padding: 4px; display: inline-block; min-width: 40rem; min-height: 10rem; }
.controls { margin: .6rem 0; display: flex; gap: .8rem; align-items: center; }
.controls input[type=range] { width: 24rem; }
"""#
}
