; Inno Setup 6 script: installs the PyInstaller bundle built by lianmo-windows.spec.
;   ISCC.exe /DAppVersion=0.1.0 packaging\windows\lianmo.iss
; Output: dist\lianmo-<version>-windows-x64-setup.exe. Workspaces live in the users' own folders
; and are never touched by the installer or the uninstaller.
#ifndef AppVersion
  #error Pass the version: ISCC /DAppVersion=X.Y.Z lianmo.iss (see BUILD.md)
#endif

[Setup]
AppId={{6C1F0B52-6F57-4E47-9C0B-8A3C5B1E7D21}
AppName=Lianmo
AppVersion={#AppVersion}
AppPublisher=Lianmo team
DefaultDirName={autopf}\Lianmo
DefaultGroupName=Lianmo
DisableProgramGroupPage=yes
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
PrivilegesRequired=admin
OutputDir=..\..\dist
OutputBaseFilename=lianmo-{#AppVersion}-windows-x64-setup
Compression=lzma2
SolidCompression=yes
WizardStyle=modern
UninstallDisplayName=Lianmo {#AppVersion}

[Languages]
Name: "en"; MessagesFile: "compiler:Default.isl"

[Files]
Source: "..\..\dist\bundle\lianmo\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[Icons]
Name: "{group}\Lianmo"; Filename: "{app}\lianmo-gui.exe"
Name: "{group}\Lianmo self-check"; Filename: "{cmd}"; Parameters: "/k ""{app}\lianmo.exe"" --self-check"

[Run]
Filename: "{app}\lianmo-gui.exe"; Description: "Start Lianmo"; Flags: postinstall nowait skipifsilent
