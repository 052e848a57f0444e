package dev.emergent.helm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.nio.file.Path;
import org.luaj.vm2.Globals;
import org.luaj.vm2.LuaTable;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.lib.jse.JsePlatform;

/** Runs an Argo CD health script in LuaJ, with the object as Argo CD passes it ({@code obj}). */
final class ArgoHealth {
  private ArgoHealth() {}

  /** What Argo CD makes of {@code yaml}: [status, message]. */
  static String[] of(Path script, String yaml) throws Exception {
    Globals lua = JsePlatform.standardGlobals();
    lua.set("obj", toLua(new YAMLMapper().readTree(yaml)));
    LuaValue result = lua.loadfile(script.toString()).call();
    return new String[] {result.get("status").tojstring(), result.get("message").tojstring()};
  }

  private static LuaValue toLua(JsonNode node) {
    if (node.isObject()) {
      LuaTable table = new LuaTable();
      node.fields().forEachRemaining(f -> table.set(f.getKey(), toLua(f.getValue())));
      return table;
    }
    if (node.isArray()) {
      LuaTable table = new LuaTable();
      for (int i = 0; i < node.size(); i++) {
        table.set(i + 1, toLua(node.get(i)));
      }
      return table;
    }
    if (node.isNumber()) {
      return LuaValue.valueOf(node.asDouble());
    }
    if (node.isBoolean()) {
      return LuaValue.valueOf(node.asBoolean());
    }
    return node.isNull() ? LuaValue.NIL : LuaValue.valueOf(node.asText());
  }
}
