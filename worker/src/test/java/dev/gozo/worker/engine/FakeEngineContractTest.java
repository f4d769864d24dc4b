package dev.gozo.worker.engine;

/** The fake engine keeps the contract the real one keeps (see ContainerEngineContract). */
class FakeEngineContractTest extends ContainerEngineContract {

  private final FakeEngine engine =
      new FakeEngine()
          .program(
              spec -> spec.command().equals(ECHO),
              process -> {
                String line = readLine(process.stdin());
                process.stdout("out:" + line + "\n");
                process.stderr("err:" + line + "\n");
                return 3;
              });

  @Override
  ContainerEngine engine() {
    return engine;
  }
}
