import Foundation

/// xterm.js for the replay page, from Debian's files: `libjs-xterm` ships the stylesheet,
/// and its `xterm.js` is only a stub that `require`s the CommonJS modules of `node-xterm`
/// (Debian bookworm, 3.8.1). The gateway joins those modules into one browser script with a
/// small `require` of its own, once, at the first request: no CDN, no vendored copy, and the
/// code the browser runs is exactly what the packages installed.
enum XtermBundle {
    static let stylesheetPath = "/usr/share/javascript/xterm/xterm.css"
    static let modulesDirectory = "/usr/share/nodejs/xterm/lib"

    /// The script, or nil when the packages are not installed.
    static func build(modulesDirectory: String = modulesDirectory) -> String? {
        let base = URL(fileURLWithPath: modulesDirectory)
        guard let walker = FileManager.default.enumerator(atPath: modulesDirectory) else { return nil }
        var modules: [(name: String, source: String)] = []
        for case let relative as String in walker {
            guard relative.hasSuffix(".js"), !relative.hasSuffix(".test.js") else { continue }
            guard let source = try? String(contentsOf: base.appendingPathComponent(relative), encoding: .utf8) else { continue }
            let name = String(relative.dropLast(3))
            // Source maps are not shipped next to the bundle; without the comment the browser
            // does not ask for them.
            let lines = source.split(separator: "\n", omittingEmptySubsequences: false)
                .filter { !$0.hasPrefix("//# sourceMappingURL=") }
            modules.append((name, lines.joined(separator: "\n")))
        }
        guard modules.contains(where: { $0.name == "public/Terminal" }) else { return nil }
        var script = """
            /* xterm.js 3.8.1 from Debian's node-xterm/libjs-xterm (MIT licence, see /usr/share/doc/libjs-xterm/copyright),
               joined by Tracegate into one script. */
            (function () {
            "use strict";
            var definitions = {}, cache = {};
            function resolve(from, request) {
              var parts = from.split("/"); parts.pop();
              request.split("/").forEach(function (part) {
                if (part === "..") { parts.pop(); } else if (part !== "." && part !== "") { parts.push(part); }
              });
              return parts.join("/");
            }
            function load(name) {
              if (cache[name]) { return cache[name].exports; }
              var definition = definitions[name];
              if (!definition) { throw new Error("xterm bundle: no module " + name); }
              var module = { exports: {} };
              cache[name] = module;
              definition.call(module.exports, function (request) { return load(resolve(name, request)); }, module, module.exports);
              return module.exports;
            }

            """
        for module in modules.sorted(by: { $0.name < $1.name }) {
            script += "definitions[\(jsonString(module.name))] = function (require, module, exports) {\n"
            script += module.source
            script += "\n};\n"
        }
        script += "window.Terminal = load(\"public/Terminal\").Terminal;\n})();\n"
        return script
    }

    private static func jsonString(_ text: String) -> String {
        "\"" + text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
    }
}
