import type { GatewayFormat } from "../gateway-format.js";
import { hasNginxVariables, readNginxVariables } from "./nginx-variables.js";

/**
 * NGINX (and OpenResty, ingress-nginx) JSON access logs written with
 * `log_format ... escape=json`. Every value is a string: `$status` is "200",
 * `$msec` is "1699596164.550" (seconds), `$request_time` is "0.004"
 * (SECONDS, converted to ms here), `$time_local` is Common Log Format. See
 * `nginx-variables.ts` for the key names read.
 */
export const nginxFormat: GatewayFormat = {
  name: "nginx",

  matches(record) {
    return hasNginxVariables(record);
  },

  parse(record) {
    return readNginxVariables(record, "nginx");
  },
};
