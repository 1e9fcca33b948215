@echo off
rem The jinn command from its distribution: runs dev.jinn.cli.Main with every jar in ..\lib.
rem JAVA_HOME: the JDK/JRE to use (default: java on the PATH), Java 17 or newer; JINN_JAVA_OPTS: extra JVM options.
setlocal
set "JINN_HOME=%~dp0.."
if defined JAVA_HOME (set "JAVA=%JAVA_HOME%\bin\java") else (set "JAVA=java")
"%JAVA%" %JINN_JAVA_OPTS% -Djava.awt.headless=true -cp "%JINN_HOME%\lib\*" dev.jinn.cli.Main %*
exit /b %ERRORLEVEL%
