package dev.gozo.worker.judging;

import dev.gozo.protocol.v1.Limits;

/** A test's run limits: the fields the test sets replace the job's, the others are the job's. */
final class TestLimits {

  private TestLimits() {}

  static Limits merge(Limits job, Limits test) {
    return Limits.newBuilder()
        .setWallTimeMs(test.getWallTimeMs() > 0 ? test.getWallTimeMs() : job.getWallTimeMs())
        .setCpuTimeMs(test.getCpuTimeMs() > 0 ? test.getCpuTimeMs() : job.getCpuTimeMs())
        .setMemoryMb(test.getMemoryMb() > 0 ? test.getMemoryMb() : job.getMemoryMb())
        .setProcesses(test.getProcesses() > 0 ? test.getProcesses() : job.getProcesses())
        .setOutputBytes(test.getOutputBytes() > 0 ? test.getOutputBytes() : job.getOutputBytes())
        .build();
  }
}
