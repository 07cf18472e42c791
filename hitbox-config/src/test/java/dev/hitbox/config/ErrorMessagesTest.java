package dev.hitbox.config;

import static dev.hitbox.config.Configs.error;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Each kind of error names the file, line, column, key, the value given and what is allowed. */
class ErrorMessagesTest {

  @Test
  void negativeTtl() {
    ConfigException e = error("policy:\n  Enabled:\n    ttl: -5\n");
    assertThat(e)
        .hasMessage(
            "hitbox.yaml: policy.Enabled.ttl at line 3, column 10: \"-5\" (expected: a positive"
                + " number of seconds, or a duration such as 500ms, 5m, 1h)");
    assertThat(e.source()).isEqualTo("hitbox.yaml");
    assertThat(e.path()).isEqualTo("policy.Enabled.ttl");
    assertThat(e.line()).isEqualTo(3);
    assertThat(e.column()).isEqualTo(10);
    assertThat(e.reason()).startsWith("\"-5\" (expected: ");
  }

  @Test
  void badDurations() {
    assertThat(error("policy: {Enabled: {ttl: 0}}"))
        .hasMessageContaining(
            "policy.Enabled.ttl at line 1, column 25: \"0\" (expected: a positive");
    assertThat(error("policy: {Enabled: {ttl: 5x}}"))
        .hasMessageContaining("\"5x\" (expected: a positive");
    assertThat(error("policy: {Enabled: {stale: -1}}"))
        .hasMessageContaining(
            "policy.Enabled.stale at line 1, column 27: \"-1\" (expected: a number of seconds (0 or more)");
    assertThat(error("policy: {Enabled: {ttl: 99999999999d}}"))
        .hasMessageContaining("at most 100 years");
    assertThat(error("policy: {Enabled: {concurrency: 0}}"))
        .hasMessageContaining(
            "policy.Enabled.concurrency at line 1, column 33: \"0\" (expected: an integer of at least 1");
  }

  @Test
  void badStaleIfErrorAndEarlyRefresh() {
    assertThat(error("policy: {Enabled: {stale_if_error: -1}}"))
        .hasMessageContaining(
            "policy.Enabled.stale_if_error at line 1, column 36: \"-1\" (expected: a number of"
                + " seconds (0 or more, 0 is off)");
    assertThat(error("policy: {Enabled: {early_refresh: soon}}"))
        .hasMessageContaining(
            "policy.Enabled.early_refresh at line 1, column 35: \"soon\" (expected: a duration"
                + " such as 2s or 500ms (0 is off), or {delta: duration, beta: number > 0})");
    assertThat(error("policy: {Enabled: {early_refresh: {delta: 2s, beta: 0}}}"))
        .hasMessageContaining(
            "policy.Enabled.early_refresh.beta at line 1, column 53: \"0\" (expected: a number"
                + " greater than 0");
    assertThat(error("policy: {Enabled: {early_refresh: {beta: 2}}}"))
        .hasMessageContaining("delta is missing");
    assertThat(error("policy: {Enabled: {early_refresh: {delta: 2s, betta: 2}}}"))
        .hasMessageContaining("unknown key \"betta\"");
  }

  @Test
  void unknownKeysAreRejectedWithTheAllowedOnes() {
    assertThat(error("policy:\n  Enabled:\n    tll: 60\n"))
        .hasMessage(
            "hitbox.yaml: policy.Enabled.tll at line 3, column 5: unknown key \"tll\" (expected one"
                + " of: ttl, stale, policy, concurrency, stale_if_error, early_refresh; did you"
                + " mean ttl?)");
    assertThat(error("backnd:\n  type: Moka\n"))
        .hasMessage(
            "hitbox.yaml: backnd at line 1, column 1: unknown key \"backnd\" (expected one of:"
                + " listen, admin, admin_token, upstream, offload, backend, endpoints, name,"
                + " request, response, extractors, tags, policy, backend_timeout; did you mean"
                + " backend?)");
    assertThat(error("backend: {type: Moka, max_capacty: 5}"))
        .hasMessageContaining(
            "backend.max_capacty at line 1, column 23: unknown key \"max_capacty\" (expected one"
                + " of: type, name, key, value, compression, max_capacity, max_bytes; did you mean"
                + " max_capacity?)");
    assertThat(
            error("backend: {type: Composition, l1: {type: Moka}, l2: {type: Moka}, key: Bitcode}"))
        .hasMessageContaining("backend.key at line 1, column 66: unknown key \"key\"");
    assertThat(error("offload: {max_tasks: 3}"))
        .hasMessageContaining("offload.max_tasks at line 1, column 11: unknown key");
  }

  @Test
  void unknownBackendTypeListsTheKnownOnes() {
    assertThat(error("backend:\n  type: Mokka\n"))
        .hasMessage(
            "hitbox.yaml: backend.type at line 2, column 9: \"Mokka\" (expected: one of: Caffeine,"
                + " Moka, Composition, Redis, Memcached, RocksDb, FeOxDb, DynamoDb, Jdbc)");
    assertThat(error("backend:\n  type: moka\n"))
        .hasMessageContaining("names are case-sensitive, did you mean Moka?");
    assertThat(error("backend: {max_capacity: 5}"))
        .hasMessage(
            "hitbox.yaml: backend.type at line 1, column 10: missing (expected: a backend type,"
                + " one of: Caffeine, Moka, Composition, Redis, Memcached, RocksDb, FeOxDb,"
                + " DynamoDb, Jdbc)");
    assertThat(error("backend:\n  type: Jdbc\n"))
        .hasMessage(
            "hitbox.yaml: backend.type at line 2, column 9: \"Jdbc\" (hitbox-jdbc is not on the"
                + " classpath)");
  }

  @Test
  void rustOnlyFormatsNameTheAlternatives() {
    assertThat(error("backend:\n  type: Moka\n  value:\n    format: Rkyv\n"))
        .hasMessage(
            "hitbox.yaml: backend.value.format at line 4, column 13: \"Rkyv\" (value format Rkyv"
                + " is Rust-only; expected one of: Bincode, Json, MessagePack, Cbor, Bytes)");
    assertThat(error("backend: {type: Moka, value: Ron}"))
        .hasMessageContaining(
            "backend.value at line 1, column 30: \"Ron\" (value format Ron is Rust-only");
    assertThat(error("backend: {type: Moka, value: {format: Yaml}}"))
        .hasMessageContaining(
            "\"Yaml\" (expected one of: Bincode, Json, MessagePack, Cbor, Bytes)");
  }

  @Test
  void compressionLevelsAreChecked() {
    assertThat(
            error("backend:\n  type: Moka\n  value:\n    compression: {type: Zstd, level: 23}\n"))
        .hasMessage(
            "hitbox.yaml: backend.value.compression.level at line 4, column 38: \"23\" (expected:"
                + " an integer from -7 to 22 (default 3))");
    assertThat(error("backend: {type: Moka, compression: {type: Gzip, level: 10}}"))
        .hasMessageContaining(
            "backend.compression.level at line 1, column 56: \"10\" (expected: an integer from 0"
                + " to 9 (default 6))");
    assertThat(error("backend: {type: Moka, compression: {type: Lz4, level: 1}}"))
        .hasMessageContaining("\"1\" (expected: no level: Lz4 has none)");
    assertThat(error("backend: {type: Moka, compression: {type: Brotli}}"))
        .hasMessageContaining(
            "backend.compression.type at line 1, column 43: \"Brotli\" (expected: one of: Zstd,"
                + " Gzip, Lz4, None)");
    assertThat(error("backend: {type: Moka, compression: {level: 3}}"))
        .hasMessageContaining("backend.compression.type at line 1, column 36: missing");
    assertThat(error("backend: {type: Moka, compression: Zstd, value: {compression: Gzip}}"))
        .hasMessageContaining("compression given twice");
  }

  @Test
  void keyFormatIsChecked() {
    assertThat(error("backend: {type: Moka, key: {format: Base64}}"))
        .hasMessageContaining(
            "backend.key.format at line 1, column 37: \"Base64\" (expected: one of: Bitcode, UrlEncoded)");
    assertThat(error("backend: {type: Moka, key: {max_length: 10}}"))
        .hasMessageContaining(
            "backend.key.max_length at line 1, column 41: \"10\" (expected: an integer of at least 193 (default 250))");
  }

  @Test
  void httpRulesAreChecked() {
    assertThat(error("response:\n  - Status: 600\n"))
        .hasMessage(
            "hitbox.yaml: response[0].Status at line 2, column 13: \"600\" (expected: a status"
                + " code from 100 to 599)");
    assertThat(error("request:\n  - Header: {x-v: {regex: \"v(\\\\d+\"}}\n"))
        .hasMessageStartingWith(
            "hitbox.yaml: request[0].Header.x-v.regex at line 2, column 27: \"v(\\\\d+\""
                + " (expected: a Java regular expression; Unclosed group near index");
    assertThat(error("request:\n  - Method: get\n"))
        .hasMessage(
            "hitbox.yaml: request[0].Method at line 2, column 13: \"get\" (expected: an HTTP"
                + " method in upper case (methods are case-sensitive), did you mean GET?)");
    assertThat(error("request:\n  - Path: api/{id}\n"))
        .hasMessageContaining(
            "request[0].Path at line 2, column 11: \"api/{id}\" (expected: a path template"
                + " starting with /");
    assertThat(error("request:\n  - Path: /a/{id}/{id}\n"))
        .hasMessageContaining("parameter {id} appears twice");
    assertThat(error("request:\n  - Frobnicate: x\n"))
        .hasMessageContaining(
            "request[0].Frobnicate at line 2, column 5: unknown key \"Frobnicate\" (expected one"
                + " of: Method, Path, Query, Header, Body, And, Or, Not)");
    assertThat(error("response:\n  - Method: GET\n"))
        .hasMessageContaining(
            "response[0].Method at line 2, column 5: \"Method\" is a request rule (expected here:"
                + " one of Status, Header, Body, And, Or, Not)");
    assertThat(error("request:\n  - Query: {debug: {exist: false}}\n"))
        .hasMessageContaining(
            "request[0].Query.debug.exist at line 2, column 28: \"false\" (expected: true (use Not");
    assertThat(error("request:\n  - Query: {debug: {equals: 1}}\n"))
        .hasMessageContaining(
            "unknown key \"equals\" (expected one of: eq, in, exist, contains, regex)");
    assertThat(error("response:\n  - Status: {range: [299, 200]}\n"))
        .hasMessageContaining(
            "response[0].Status.range[1] at line 2, column 27: \"200\" (expected: a status code of at least 299");
    assertThat(error("request:\n  - Or: []\n"))
        .hasMessageContaining(
            "request[0].Or at line 2, column 9: a list (expected: a list of one or more rules)");
    assertThat(error("extractors:\n  - Method: GET\n"))
        .hasMessageContaining(
            "extractors[0].Method at line 2, column 13: \"GET\" (expected: nothing: Method takes no argument");
    assertThat(error("extractors:\n  - Body: {hash: true, jq: .a}\n"))
        .hasMessageContaining(
            "extractors[0].Body at line 2, column 11: a mapping (expected: exactly one of jq, hash, regex");
    assertThat(error("tags: [\"author:{author_id\"]"))
        .hasMessageContaining(
            "tags[0] at line 1, column 8: \"author:{author_id\" (expected: a tag template");
  }

  @Test
  void endpointsAreChecked() {
    assertThat(error("endpoints:\n  - request: [{Method: GET}]\n"))
        .hasMessage(
            "hitbox.yaml: endpoints[0].name at line 2, column 5: missing (expected: the endpoint's"
                + " name, e.g. authors)");
    assertThat(error("endpoints:\n  - name: a\n  - name: a\n"))
        .hasMessage(
            "hitbox.yaml: endpoints[1].name at line 3, column 11: \"a\" (expected: a name not used"
                + " by another endpoint; also at line 2)");
    assertThat(error("endpoints:\n  - name: a b\n"))
        .hasMessageContaining(
            "endpoints[0].name at line 2, column 11: \"a b\" (expected: a name of 1 to 128 letters, digits, _ . -)");
    assertThat(error("policy: Disabled\nendpoints:\n  - name: a\n"))
        .hasMessage(
            "hitbox.yaml: policy at line 1, column 1: \"policy\" at the top level together with"
                + " endpoints (expected: move it into an endpoint, or drop endpoints for a single"
                + " endpoint)");
    assertThat(error("endpoints: []\n"))
        .hasMessageContaining(
            "endpoints at line 1, column 12: a list (expected: a list of endpoints");
  }

  @Test
  void proxyAddressesAreChecked() {
    assertThat(error("listen: localhost\n"))
        .hasMessage(
            "hitbox.yaml: listen at line 1, column 9: \"localhost\" (expected: host:port, e.g."
                + " 127.0.0.1:8080, [::1]:8080 or 0.0.0.0:8080)");
    assertThat(error("admin: 127.0.0.1:70000\n"))
        .hasMessageContaining("with a port from 0 to 65535");
    assertThat(error("upstream: ftp://example.com\n"))
        .hasMessageContaining(
            "upstream at line 1, column 11: \"ftp://example.com\" (expected: an http:// or"
                + " https:// URL with a host");
    assertThat(error("upstream: http://u:p@example.com\n"))
        .hasMessageContaining("no query, fragment or user");
  }

  @Test
  void policyShapesAreChecked() {
    assertThat(error("policy: Sometimes\n"))
        .hasMessage(
            "hitbox.yaml: policy at line 1, column 9: \"Sometimes\" (expected: one of: Disabled, Enabled)");
    assertThat(error("policy: {Enabled: {}, Disabled: }\n"))
        .hasMessageContaining(
            "policy at line 1, column 9: a mapping (expected: exactly one of Enabled, Disabled");
    assertThat(error("policy: {Enabled: {policy: {stale: Serve}}}\n"))
        .hasMessageContaining(
            "policy.Enabled.policy.stale at line 1, column 36: \"Serve\" (expected: one of: Return,"
                + " Revalidate, OffloadRevalidate)");
    assertThat(error("policy: {Disabled: {ttl: 1}}\n"))
        .hasMessageContaining(
            "policy.Disabled at line 1, column 20: a mapping (expected: nothing: Disabled takes no settings)");
  }

  @Test
  void compositionTiersMustShareTheirValueFormat() {
    assertThat(
            error(
                "backend:\n"
                    + "  type: Composition\n"
                    + "  l1: {type: Moka, value: {format: Json}}\n"
                    + "  l2: {type: Moka, value: {format: Bincode}}\n"))
        .hasMessage(
            "hitbox.yaml: backend.l2.value at line 4, column 27: Bincode, compression None"
                + " (expected: Json, compression None as at backend.l1.value: the tiers of a"
                + " composition store the same bytes)");
    assertThat(error("backend: {type: Composition, l1: {type: Moka}}"))
        .hasMessageContaining(
            "backend.l2 at line 1, column 10: missing (expected: the second tier");
  }

  @Test
  void backendSettingsAreChecked() {
    assertThat(error("backend: {type: Moka, max_capacity: 0}"))
        .hasMessageContaining(
            "backend.max_capacity at line 1, column 37: \"0\" (expected: an integer of at least 1)");
    assertThat(error("backend: {type: Moka, max_capacity: 10, max_bytes: 64MiB}"))
        .hasMessageContaining(
            "backend.max_bytes at line 1, column 52: \"64MiB\" (expected: either max_capacity or"
                + " max_bytes, not both)");
    assertThat(error("backend: {type: Moka, max_bytes: lots}"))
        .hasMessageContaining(
            "\"lots\" (expected: a number of bytes, or a size such as 64KB, 64MiB, 1GB)");
    assertThat(
            error(
                "backend: {type: Composition, l1: {type: Moka}, l2: {type: Moka}, tier_timeout: 0}"))
        .hasMessageContaining(
            "backend.tier_timeout at line 1, column 80: \"0\" (expected: a positive duration");
  }

  @Test
  void providerErrorsAreLocatedToo() {
    assertThat(
            error(Configs.WITH_REDIS, "backend:\n  type: Redis\n  connection_string: http://x\n"))
        .hasMessage(
            "hitbox.yaml: backend.connection_string at line 3, column 22: \"http://x\" (expected: a"
                + " redis:// URI)");
    assertThat(
            error(Configs.WITH_REDIS, "backend:\n  type: Redis\n  conection_string: redis://x\n"))
        .hasMessage(
            "hitbox.yaml: backend.conection_string at line 3, column 3: unknown key"
                + " \"conection_string\" (expected one of: type, name, key, value, compression,"
                + " connection_string; did you mean connection_string?)");
    assertThat(
            error(
                Configs.WITH_REDIS,
                "backend:\n  type: Redis\n  connection_string: redis://x\n  cluster: {nodes: [a], extra: 1}\n"))
        .hasMessageContaining(
            "backend.cluster.extra at line 4, column 25: unknown key \"extra\" (expected one of: nodes)");
    assertThat(error(Configs.WITH_REDIS, "backend:\n  type: Redis\n"))
        .hasMessage(
            "hitbox.yaml: backend.connection_string at line 2, column 3: missing (expected: a"
                + " redis:// URI)");
  }

  @Test
  void invalidYamlNamesTheKeyItIsUnder() {
    ConfigException e = error("endpoints:\n  - name: a\n    policy:\n      Enabled: {ttl: 60\n");
    assertThat(e.path()).isEqualTo("endpoints[0].policy.Enabled.ttl");
    assertThat(e.getMessage())
        .startsWith("hitbox.yaml: endpoints[0].policy.Enabled.ttl at line ")
        .contains("invalid YAML: ");
    assertThat(error("backend:\n\ttype: Moka\n").getMessage()).contains("invalid YAML");
    assertThat(error("backend:\n  type: Moka\n    max_capacity: 10000\n"))
        .hasMessage(
            "hitbox.yaml: backend.type at line 3, column 17: invalid YAML: mapping values are not"
                + " allowed here");
    assertThat(error("request:\n  - Method: GET\n  Path: /a\n").path()).isEqualTo("request[0]");
    assertThat(error("policy: Disabled\npolicy: Disabled\n"))
        .hasMessage("hitbox.yaml: policy at line 2, column 1: duplicate key \"policy\"");
    assertThat(error("a: 1\n---\nb: 2\n"))
        .hasMessageContaining("a second document (expected: a single YAML document)");
    assertThat(error("? [a, b]\n: 1\n")).hasMessageContaining("a mapping key that is not text");
  }

  @Test
  void emptyOrNonMappingDocuments() {
    assertThat(error(""))
        .hasMessage(
            "hitbox.yaml: (document) at line 1, column 1: an empty document (expected: a mapping"
                + " with endpoints, or the keys of one endpoint)");
    assertThat(error("# nothing here\n")).hasMessageContaining("an empty document");
    assertThat(error("- a\n- b\n"))
        .hasMessageStartingWith(
            "hitbox.yaml: (document) at line 1, column 1: a list (expected: a mapping");
  }
}
