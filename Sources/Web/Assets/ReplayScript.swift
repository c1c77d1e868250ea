/// `/static/replay.js`: the recording player. Served as a file (the page allows no inline
/// script). It reads the `.cast` in ranges of 1 MiB, parses as it goes and starts playing after
/// the first range, so a 100 MiB recording starts at once; seeking redraws from the start up
/// to the chosen time, which only needs what has been read so far.
enum ReplayScript {
    static let source = #"""
"use strict";
(function () {
  var root = document.getElementById("player");
  if (!root || typeof Terminal === "undefined") { return; }
  var castURL = root.getAttribute("data-cast");
  var total = parseInt(root.getAttribute("data-size"), 10) || 0;
  var chunk = 1048576;
  var playButton = document.getElementById("play");
  var speedSelect = document.getElementById("speed");
  var idleSelect = document.getElementById("idle");
  var seek = document.getElementById("seek");
  var clock = document.getElementById("clock");
  var status = document.getElementById("status");

  var term = null;
  var events = [];      // [time, kind, data], times as recorded
  var adjusted = [];    // times after the idle limit
  var idleLimit = parseFloat(idleSelect.value) || 0;
  var loadedBytes = 0, loading = true, failed = false;
  var decoder = new TextDecoder("utf-8");
  var pending = "", header = null;
  var index = 0, position = 0, playing = false, speed = 1, wallStart = 0, positionStart = 0, timer = null;

  function setStatus(text) { status.textContent = text; root.setAttribute("data-status", text); }
  function fmt(t) { var m = Math.floor(t / 60), s = Math.floor(t % 60); return m + ":" + (s < 10 ? "0" : "") + s; }
  function duration() { return adjusted.length ? adjusted[adjusted.length - 1] : 0; }

  function recompute() {
    adjusted = new Array(events.length);
    var previous = 0, shift = 0;
    for (var i = 0; i < events.length; i++) {
      var gap = events[i][0] - previous;
      if (idleLimit > 0 && gap > idleLimit) { shift += gap - idleLimit; }
      previous = events[i][0];
      adjusted[i] = events[i][0] - shift;
    }
  }

  function appendAdjusted(from) {
    var previous = from > 0 ? events[from - 1][0] : 0;
    var last = from > 0 ? adjusted[from - 1] : 0;
    for (var i = from; i < events.length; i++) {
      var gap = events[i][0] - previous;
      if (idleLimit > 0 && gap > idleLimit) { gap = idleLimit; }
      last += Math.max(0, gap);
      previous = events[i][0];
      adjusted[i] = last;
    }
  }

  function startTerminal() {
    var cols = (header && header.width) || 80, rows = (header && header.height) || 24;
    term = new Terminal({ cols: cols, rows: rows, rendererType: "dom", disableStdin: true, cursorBlink: false, scrollback: 2000 });
    term.open(document.getElementById("terminal"));
    if (header && header.idle_time_limit && !root.hasAttribute("data-idle-chosen")) {
      idleSelect.value = String(header.idle_time_limit);
      if (idleSelect.value !== String(header.idle_time_limit)) { idleSelect.value = "2"; }
      idleLimit = parseFloat(idleSelect.value) || 0;
    }
  }

  function parseLines(text, final) {
    pending += text;
    var lines = pending.split("\n");
    pending = final ? "" : lines.pop();
    var before = events.length;
    for (var i = 0; i < lines.length; i++) {
      var line = lines[i];
      if (!line) { continue; }
      var value;
      try { value = JSON.parse(line); } catch (e) { continue; }
      if (!header && !Array.isArray(value)) { header = value; startTerminal(); continue; }
      if (Array.isArray(value) && value.length >= 3 && typeof value[0] === "number") {
        if (value[1] === "o" || value[1] === "r") { events.push([value[0], value[1], String(value[2])]); }
      }
    }
    if (!header && final) { header = {}; startTerminal(); }
    appendAdjusted(before);
  }

  function load() {
    if (loadedBytes >= total && total > 0) { finishLoading(); return; }
    var end = loadedBytes + chunk - 1;
    fetch(castURL, { headers: { "Range": "bytes=" + loadedBytes + "-" + end }, credentials: "same-origin" })
      .then(function (response) {
        if (response.status !== 206 && response.status !== 200) { throw new Error("HTTP " + response.status); }
        return response.arrayBuffer();
      })
      .then(function (buffer) {
        loadedBytes += buffer.byteLength;
        var done = buffer.byteLength === 0 || loadedBytes >= total;
        parseLines(decoder.decode(new Uint8Array(buffer), { stream: !done }), done);
        updateClock();
        if (events.length && index === 0 && !playing && !root.hasAttribute("data-started")) {
          root.setAttribute("data-started", "1");
          play();
        }
        if (done) { finishLoading(); } else { load(); }
      })
      .catch(function (error) { failed = true; loading = false; setStatus("cannot read the recording: " + error.message); });
  }

  function finishLoading() {
    loading = false;
    if (!header) { parseLines("", true); }
    setStatus(playing ? "playing" : "loaded");
    root.setAttribute("data-loaded", "1");
    updateClock();
  }

  function writeUntil(target) {
    var out = "";
    while (index < events.length && adjusted[index] <= target) {
      var event = events[index];
      if (event[1] === "o") { out += event[2]; }
      else if (event[1] === "r") {
        if (out) { term.write(out); out = ""; }
        var size = event[2].split("x");
        var c = parseInt(size[0], 10), r = parseInt(size[1], 10);
        if (c > 0 && r > 0 && c < 1000 && r < 1000) { term.resize(c, r); }
      }
      index++;
    }
    if (out) { term.write(out); }
  }

  function tick() {
    timer = null;
    if (!playing) { return; }
    position = positionStart + (performance.now() - wallStart) / 1000 * speed;
    writeUntil(position);
    updateClock();
    if (index >= events.length && !loading) {
      position = duration();
      pause();
      setStatus("ended");
      root.setAttribute("data-ended", "1");
      return;
    }
    timer = setTimeout(tick, 30);
  }

  function play() {
    if (!term) { return; }
    if (index >= events.length && !loading) { seekTo(0); }
    playing = true;
    wallStart = performance.now();
    positionStart = position;
    playButton.textContent = "Pause";
    setStatus("playing");
    if (!timer) { timer = setTimeout(tick, 0); }
  }

  function pause() {
    playing = false;
    playButton.textContent = "Play";
    if (timer) { clearTimeout(timer); timer = null; }
    setStatus("paused");
  }

  function seekTo(target) {
    if (!term) { return; }
    target = Math.max(0, Math.min(target, duration()));
    term.reset();
    index = 0;
    position = target;
    writeUntil(target);
    positionStart = position;
    wallStart = performance.now();
    updateClock();
    root.setAttribute("data-position", String(target));
  }

  function updateClock() {
    var length = duration();
    seek.max = String(Math.max(length, 0.001));
    if (document.activeElement !== seek) { seek.value = String(position); }
    clock.textContent = fmt(position) + " / " + fmt(length) + (loading ? " (loading " + Math.round(100 * loadedBytes / Math.max(total, 1)) + "%)" : "");
  }

  playButton.addEventListener("click", function () { if (playing) { pause(); } else { play(); } });
  speedSelect.addEventListener("change", function () {
    positionStart = position; wallStart = performance.now();
    speed = parseFloat(speedSelect.value) || 1;
  });
  idleSelect.addEventListener("change", function () {
    root.setAttribute("data-idle-chosen", "1");
    var old = position;
    var oldIndex = index;
    idleLimit = parseFloat(idleSelect.value) || 0;
    recompute();
    var target = oldIndex > 0 ? adjusted[oldIndex - 1] : 0;
    seekTo(Math.max(target, 0));
    if (old === 0) { seekTo(0); }
  });
  seek.addEventListener("input", function () { seekTo(parseFloat(seek.value) || 0); });
  seek.addEventListener("change", function () { seekTo(parseFloat(seek.value) || 0); });

  setStatus("loading");
  load();
})();
"""#
}
