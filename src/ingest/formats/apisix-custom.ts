import type { GatewayFormat } from "../gateway-format.js";
import { field, hasField, isRecord } from "./fields.js";
import { readNginxVariables } from "./nginx-variables.js";

/**
 * APISIX loggers configured with a custom `log_format`: a flat object whose
 * values are NGINX variables (`{"host": "$host", "@timestamp":
 * "$time_iso8601", "client_ip": "$remote_addr", "route_id": "$route_id"}`).
 * The key names are the operator's choice; the conventional ones are read
 * (see `nginx-variables.ts`). A configurable field map is not supported yet.
 *
 * Told apart from plain NGINX by APISIX's own names: `client_ip`, or
 * `route_id` / `service_id`, on a flat record.
 */
export const apisixCustomFormat: GatewayFormat = {
  name: "apisix-custom",

  matches(record) {
    if (isRecord(field(record, "request"))) {
      return false;
    }
    return (
      hasField(record, "client_ip") ||
      hasField(record, "route_id") ||
      hasField(record, "service_id")
    );
  },

  parse(record) {
    return readNginxVariables(record, "apisix-custom");
  },
};
