using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace ScimProvisioning.Migrations.Sqlite.Migrations
{
    /// <inheritdoc />
    public partial class UserGroups : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_Policies_UserGroupId",
                table: "Policies");

            migrationBuilder.DropColumn(
                name: "UserGroupId",
                table: "Policies");

            migrationBuilder.AddColumn<long>(
                name: "UserGroupKey",
                table: "Policies",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.CreateTable(
                name: "UserGroups",
                columns: table => new
                {
                    Key = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    Id = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true),
                    AccountId = table.Column<string>(type: "TEXT", nullable: false),
                    Name = table.Column<string>(type: "TEXT", maxLength: 512, nullable: false),
                    NameKey = table.Column<string>(type: "TEXT", maxLength: 512, nullable: false),
                    ExternalId = table.Column<string>(type: "TEXT", nullable: true),
                    IsScimManaged = table.Column<bool>(type: "INTEGER", nullable: false),
                    SystemRoleId = table.Column<string>(type: "TEXT", nullable: true),
                    Created = table.Column<DateTime>(type: "TEXT", nullable: false),
                    LastModified = table.Column<DateTime>(type: "TEXT", nullable: false),
                    Version = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_UserGroups", x => x.Key);
                    table.ForeignKey(
                        name: "FK_UserGroups_Accounts_AccountId",
                        column: x => x.AccountId,
                        principalTable: "Accounts",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "UserGroupMembers",
                columns: table => new
                {
                    UserGroupKey = table.Column<long>(type: "INTEGER", nullable: false),
                    UserKey = table.Column<long>(type: "INTEGER", nullable: false),
                    Added = table.Column<DateTime>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_UserGroupMembers", x => new { x.UserGroupKey, x.UserKey });
                    table.ForeignKey(
                        name: "FK_UserGroupMembers_UserGroups_UserGroupKey",
                        column: x => x.UserGroupKey,
                        principalTable: "UserGroups",
                        principalColumn: "Key",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "FK_UserGroupMembers_Users_UserKey",
                        column: x => x.UserKey,
                        principalTable: "Users",
                        principalColumn: "Key",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_Policies_UserGroupKey",
                table: "Policies",
                column: "UserGroupKey");

            migrationBuilder.CreateIndex(
                name: "IX_UserGroupMembers_UserKey",
                table: "UserGroupMembers",
                column: "UserKey");

            migrationBuilder.CreateIndex(
                name: "IX_UserGroups_AccountId_Id",
                table: "UserGroups",
                columns: new[] { "AccountId", "Id" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_UserGroups_AccountId_Key",
                table: "UserGroups",
                columns: new[] { "AccountId", "Key" });

            migrationBuilder.CreateIndex(
                name: "IX_UserGroups_AccountId_NameKey",
                table: "UserGroups",
                columns: new[] { "AccountId", "NameKey" },
                unique: true);

            migrationBuilder.AddForeignKey(
                name: "FK_Policies_UserGroups_UserGroupKey",
                table: "Policies",
                column: "UserGroupKey",
                principalTable: "UserGroups",
                principalColumn: "Key",
                onDelete: ReferentialAction.Cascade);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropForeignKey(
                name: "FK_Policies_UserGroups_UserGroupKey",
                table: "Policies");

            migrationBuilder.DropTable(
                name: "UserGroupMembers");

            migrationBuilder.DropTable(
                name: "UserGroups");

            migrationBuilder.DropIndex(
                name: "IX_Policies_UserGroupKey",
                table: "Policies");

            migrationBuilder.DropColumn(
                name: "UserGroupKey",
                table: "Policies");

            migrationBuilder.AddColumn<string>(
                name: "UserGroupId",
                table: "Policies",
                type: "TEXT",
                nullable: true);

            migrationBuilder.CreateIndex(
                name: "IX_Policies_UserGroupId",
                table: "Policies",
                column: "UserGroupId");
        }
    }
}
