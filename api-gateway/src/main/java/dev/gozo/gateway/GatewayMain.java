package dev.gozo.gateway;

import io.micronaut.runtime.Micronaut;

/** Starts the gateway: {@code java -jar api-gateway.jar}, configured by GOZO_* variables. */
public final class GatewayMain {

  private GatewayMain() {}

  public static void main(String[] args) {
    Micronaut.build(args).mainClass(GatewayMain.class).banner(false).start();
  }
}
