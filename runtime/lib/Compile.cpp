//===- Compile.cpp - Running quant-opt to build a shared object -----------===//

#include "Internal.h"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

using namespace qopt::rt;

int qopt_rt_compile_model(const char *quantOpt, const char *modelPath,
                          const char *outSo, const char *modelName) {
  clearError();
  if (!quantOpt || !modelPath || !outSo)
    return fail("qopt_rt_compile_model: NULL argument");
  std::vector<std::string> args = {quantOpt, modelPath, "--emit=shared", "-o",
                                   outSo};
  if (modelName) {
    args.push_back("--model-name");
    args.push_back(modelName);
  }
  std::vector<char *> argv;
  for (std::string &arg : args)
    argv.push_back(arg.data());
  argv.push_back(nullptr);

  // quant-opt's stderr goes to a pipe we drain while it runs.
  int pipeFds[2];
  if (pipe2(pipeFds, O_CLOEXEC) != 0)
    return fail(std::string("pipe: ") + std::strerror(errno));
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, pipeFds[1], STDERR_FILENO);
  pid_t pid;
  int spawned = posix_spawn(&pid, quantOpt, &actions, nullptr, argv.data(),
                            environ);
  posix_spawn_file_actions_destroy(&actions);
  close(pipeFds[1]);
  if (spawned != 0) {
    close(pipeFds[0]);
    return fail(std::string("cannot run ") + quantOpt + ": " +
                std::strerror(spawned));
  }
  std::string diagnostics;
  char buffer[4096];
  for (;;) {
    ssize_t got = read(pipeFds[0], buffer, sizeof(buffer));
    if (got > 0)
      diagnostics.append(buffer, static_cast<size_t>(got));
    else if (got == 0 || errno != EINTR)
      break;
  }
  close(pipeFds[0]);
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
    return 0;
  std::string how = WIFEXITED(status)
                        ? "exit status " + std::to_string(WEXITSTATUS(status))
                        : "signal " + std::to_string(WTERMSIG(status));
  while (!diagnostics.empty() && diagnostics.back() == '\n')
    diagnostics.pop_back();
  return fail(std::string(quantOpt) + " failed on " + modelPath + " (" + how +
              ")" + (diagnostics.empty() ? "" : ":\n" + diagnostics));
}
